// User task → form file, appeal status, candidate org expression and stage clock classes.
import { SelectEntry, TextFieldEntry, isSelectEntryEdited, isTextFieldEntryEdited } from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';

import { getSpiffProperty, setSpiffProperty } from './spiff-properties.js';

// Value of the form select's last option, which opens the form editor for a new form.
export const NEW_FORM = '::new-form';

export function taskEntries(element) {
  return [
    { id: 'hotline-form', element, component: FormFile, isEdited: isSelectEntryEdited },
    { id: 'hotline-edit-form', element, component: EditFormButton },
    { id: 'hotline-appeal-status', element, component: AppealStatus, isEdited: isSelectEntryEdited },
    { id: 'hotline-candidate-org', element, component: CandidateOrg, isEdited: isTextFieldEntryEdited },
    { id: 'hotline-clock', element, component: ClockClasses, isEdited: isTextFieldEntryEdited },
  ];
}

function usePropertySetter(element, name) {
  const bpmnFactory = useService('bpmnFactory');
  const commandStack = useService('commandStack');
  return (value) => setSpiffProperty(element, name, value, { bpmnFactory, commandStack });
}

// Select options for a list of codes, keeping a current value that is not in the list.
function optionsWith(current, options) {
  if (current && !options.some((option) => option.value === current)) {
    return [...options, { value: current, label: current }];
  }
  return options;
}

function FormFile({ element, id }) {
  const translate = useService('translate');
  const catalog = useService('hotlineCatalog');
  const setForm = usePropertySetter(element, 'form');

  const setValue = (value) => {
    if (value === NEW_FORM) {
      catalog.openFormEditor(element, null);
      return;
    }
    setForm(value);
  };

  const getOptions = () => {
    const names = catalog.formNames().map((name) => ({ value: name, label: name }));
    const options = optionsWith(getSpiffProperty(element, 'form'), [{ value: '', label: translate('(none)') }, ...names]);
    return [...options, { value: NEW_FORM, label: translate('New form…') }];
  };

  return (
    <SelectEntry
      element={element}
      id={id}
      label={translate('Form file')}
      getValue={() => getSpiffProperty(element, 'form')}
      setValue={setValue}
      getOptions={getOptions}
    />
  );
}

function EditFormButton({ element }) {
  const translate = useService('translate');
  const catalog = useService('hotlineCatalog');
  const form = getSpiffProperty(element, 'form');
  if (!form) {
    return null;
  }

  return (
    <div class="bio-properties-panel-entry hotline-edit-form">
      <button type="button" class="hotline-panel-button" onClick={() => catalog.openFormEditor(element, form)}>
        {translate('Edit form')}
      </button>
    </div>
  );
}

function AppealStatus({ element, id }) {
  const translate = useService('translate');
  const catalog = useService('hotlineCatalog');
  const getOptions = () => {
    const statuses = catalog.appealStatuses.map((status) => ({ value: status.code, label: `${status.code} · ${status.label}` }));
    return optionsWith(getSpiffProperty(element, 'appealStatus'), [{ value: '', label: translate('(unchanged)') }, ...statuses]);
  };

  return (
    <SelectEntry
      element={element}
      id={id}
      label={translate('Appeal status')}
      getValue={() => getSpiffProperty(element, 'appealStatus')}
      setValue={usePropertySetter(element, 'appealStatus')}
      getOptions={getOptions}
    />
  );
}

function CandidateOrg({ element, id }) {
  const translate = useService('translate');
  const debounce = useService('debounceInput');

  return (
    <TextFieldEntry
      element={element}
      id={id}
      label={translate('Candidate org expression')}
      description={translate('Python expression for the org unit id whose users may claim the task, e.g. centre_id.')}
      getValue={() => getSpiffProperty(element, 'candidateOrg')}
      setValue={usePropertySetter(element, 'candidateOrg')}
      debounce={debounce}
    />
  );
}

function ClockClasses({ element, id }) {
  const translate = useService('translate');
  const debounce = useService('debounceInput');
  const catalog = useService('hotlineCatalog');
  const known = catalog.clockClasses.map((clock) => clock.code);

  const validate = (value) => {
    const unknown = (value || '').split(',').map((part) => part.trim()).filter((part) => part && !known.includes(part));
    return unknown.length ? translate('Unknown clock class: {names}', { names: unknown.join(', ') }) : null;
  };

  return (
    <TextFieldEntry
      element={element}
      id={id}
      label={translate('Clock classes')}
      description={translate('Comma-separated stage clocks started with the task. Known classes: {classes}', { classes: known.join(', ') })}
      getValue={() => getSpiffProperty(element, 'clock')}
      setValue={usePropertySetter(element, 'clock')}
      validate={validate}
      debounce={debounce}
    />
  );
}

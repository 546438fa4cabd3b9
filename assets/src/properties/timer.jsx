// Timer events → timer type (duration, date, cycle) and the Python expression SpiffWorkflow evaluates.
import { SelectEntry, TextFieldEntry, isSelectEntryEdited, isTextFieldEntryEdited } from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';

const TIMER_KINDS = [
  { value: 'timeDuration', label: 'Duration' },
  { value: 'timeDate', label: 'Date' },
  { value: 'timeCycle', label: 'Cycle' },
];

function timerDefinition(element) {
  const definitions = getBusinessObject(element).eventDefinitions || [];
  return definitions.find((definition) => is(definition, 'bpmn:TimerEventDefinition'));
}

export function hasTimer(element) {
  return Boolean(timerDefinition(element));
}

export function timerEntries(element) {
  return [
    { id: 'hotline-timer-kind', element, component: TimerKind, isEdited: isSelectEntryEdited },
    { id: 'hotline-timer-expression', element, component: TimerExpression, isEdited: isTextFieldEntryEdited },
  ];
}

function currentKind(definition) {
  const kind = TIMER_KINDS.find((each) => definition[each.value]);
  return kind ? kind.value : 'timeDuration';
}

function updateDefinition(commandStack, element, definition, properties) {
  commandStack.execute('element.updateModdleProperties', { element, moddleElement: definition, properties });
}

function TimerKind({ element, id }) {
  const translate = useService('translate');
  const commandStack = useService('commandStack');
  const definition = timerDefinition(element);

  // The expression moves to the new kind, so switching kinds loses nothing.
  const setValue = (kind) => {
    const previous = currentKind(definition);
    if (kind === previous) {
      return;
    }
    updateDefinition(commandStack, element, definition, { [kind]: definition[previous], [previous]: undefined });
  };

  return (
    <SelectEntry
      element={element}
      id={id}
      label={translate('Timer type')}
      getValue={() => currentKind(definition)}
      setValue={setValue}
      getOptions={() => TIMER_KINDS.map((kind) => ({ value: kind.value, label: translate(kind.label) }))}
    />
  );
}

function TimerExpression({ element, id }) {
  const translate = useService('translate');
  const debounce = useService('debounceInput');
  const commandStack = useService('commandStack');
  const bpmnFactory = useService('bpmnFactory');
  const definition = timerDefinition(element);
  const kind = currentKind(definition);

  const getValue = () => (definition[kind] && definition[kind].body) || '';

  const setValue = (value) => {
    const body = (value || '').trim();
    const expression = body ? bpmnFactory.create('bpmn:FormalExpression', { body }) : undefined;
    updateDefinition(commandStack, element, definition, { [kind]: expression });
  };

  return (
    <TextFieldEntry
      element={element}
      id={id}
      label={translate('Timer expression')}
      description={translate('Python expression: quote an ISO 8601 duration, e.g. "P3D", or name a variable.')}
      getValue={getValue}
      setValue={setValue}
      debounce={debounce}
    />
  );
}

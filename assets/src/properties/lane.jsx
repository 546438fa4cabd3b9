// Lane → role: the lane name is the role code whose users work on the lane's tasks.
import { SelectEntry, isSelectEntryEdited } from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';

export function laneEntries(element) {
  return [{ id: 'hotline-lane-role', element, component: LaneRole, isEdited: isSelectEntryEdited }];
}

function LaneRole({ element, id }) {
  const modeling = useService('modeling');
  const translate = useService('translate');
  const catalog = useService('hotlineCatalog');

  const getOptions = () => {
    const current = element.businessObject.name || '';
    const options = [{ value: '', label: '—' }];
    for (const role of catalog.roles) {
      options.push({ value: role.code, label: `${role.code} · ${role.label}` });
    }
    if (current && !catalog.roles.some((role) => role.code === current)) {
      options.push({ value: current, label: current });
    }
    return options;
  };

  return (
    <SelectEntry
      element={element}
      id={id}
      label={translate('Role')}
      description={translate("The lane name is the role code whose users work on the lane's tasks.")}
      getValue={() => element.businessObject.name || ''}
      setValue={(value) => modeling.updateProperties(element, { name: value || undefined })}
      getOptions={getOptions}
    />
  );
}

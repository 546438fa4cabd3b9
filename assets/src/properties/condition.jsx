// Sequence flow out of a gateway → condition expression and the gateway's default flow.
import { CheckboxEntry, TextAreaEntry, isCheckboxEntryEdited, isTextAreaEntryEdited } from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { isAny } from 'bpmn-js/lib/util/ModelUtil';

const CONDITIONAL_SOURCES = ['bpmn:ExclusiveGateway', 'bpmn:InclusiveGateway'];

export function conditionEntries(element) {
  const source = element.source;
  if (!source || !isAny(source, CONDITIONAL_SOURCES)) {
    return [];
  }
  return [
    { id: 'hotline-default-flow', element, component: DefaultFlow, isEdited: isCheckboxEntryEdited },
    { id: 'hotline-condition', element, component: Condition, isEdited: isTextAreaEntryEdited },
  ];
}

function isDefault(element) {
  return element.source.businessObject.default === element.businessObject;
}

function DefaultFlow({ element, id }) {
  const translate = useService('translate');
  const commandStack = useService('commandStack');

  // A default flow carries no condition, so making a flow the default also removes it.
  const setValue = (checked) => {
    const commands = [
      { cmd: 'element.updateProperties', context: { element: element.source, properties: { default: checked ? element.businessObject : undefined } } },
    ];
    if (checked && element.businessObject.conditionExpression) {
      commands.push({ cmd: 'element.updateProperties', context: { element, properties: { conditionExpression: undefined } } });
    }
    commandStack.execute('properties-panel.multi-command-executor', commands);
  };

  return <CheckboxEntry element={element} id={id} label={translate('Default flow')} getValue={() => isDefault(element)} setValue={setValue} />;
}

function Condition({ element, id }) {
  const translate = useService('translate');
  const debounce = useService('debounceInput');
  const modeling = useService('modeling');
  const bpmnFactory = useService('bpmnFactory');
  if (isDefault(element)) {
    return null;
  }

  const getValue = () => {
    const expression = element.businessObject.conditionExpression;
    return (expression && expression.body) || '';
  };

  const setValue = (value) => {
    const body = (value || '').trim();
    const conditionExpression = body ? bpmnFactory.create('bpmn:FormalExpression', { body }) : undefined;
    modeling.updateProperties(element, { conditionExpression });
  };

  return (
    <TextAreaEntry
      element={element}
      id={id}
      label={translate('Condition expression')}
      description={translate('Python expression on the task data, e.g. review["decision"] == "send_back".')}
      getValue={getValue}
      setValue={setValue}
      debounce={debounce}
      monospace
    />
  );
}

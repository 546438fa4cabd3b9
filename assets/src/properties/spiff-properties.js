// Read and write `spiffworkflow:property` entries, the extension our engine reads from tasks.
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';

function findContainer(businessObject) {
  const values = (businessObject.extensionElements && businessObject.extensionElements.values) || [];
  return values.find((value) => is(value, 'spiffworkflow:Properties'));
}

/** Return the value of the named property, or '' when the element has none. */
export function getSpiffProperty(element, name) {
  const container = findContainer(getBusinessObject(element));
  const matches = ((container && container.values) || []).filter((property) => property.name === name);
  return matches.length ? matches[matches.length - 1].value || '' : '';
}

function updateCommand(element, moddleElement, properties) {
  return { cmd: 'element.updateModdleProperties', context: { element, moddleElement, properties } };
}

/**
 * Set the named property in one undoable step; an empty value removes the property.
 *
 * Creates `bpmn:extensionElements` and `spiffworkflow:properties` when they are missing.
 */
export function setSpiffProperty(element, name, value, { bpmnFactory, commandStack }) {
  const businessObject = getBusinessObject(element);
  const commands = [];
  const trimmed = (value || '').trim();

  let extensionElements = businessObject.extensionElements;
  let container = findContainer(businessObject);
  if (!trimmed && !container) {
    return;
  }

  if (!extensionElements) {
    extensionElements = bpmnFactory.create('bpmn:ExtensionElements', { values: [] });
    extensionElements.$parent = businessObject;
    commands.push(updateCommand(element, businessObject, { extensionElements }));
  }

  if (!container) {
    container = bpmnFactory.create('spiffworkflow:Properties', { values: [] });
    container.$parent = extensionElements;
    commands.push(updateCommand(element, extensionElements, { values: [...extensionElements.values, container] }));
  }

  const others = (container.values || []).filter((property) => property.name !== name);
  if (trimmed) {
    const property = bpmnFactory.create('spiffworkflow:Property', { name, value: trimmed });
    property.$parent = container;
    commands.push(updateCommand(element, container, { values: [...others, property] }));
  } else {
    commands.push(updateCommand(element, container, { values: others }));
  }

  commandStack.execute('properties-panel.multi-command-executor', commands);
}

/**
 * Read the `spiffworkflow:properties` extension of a BPMN element as a plain object.
 *
 * Returns {} when the element has no such extension. A later property with the same
 * name wins, as in SpiffWorkflow's parser.
 */
function readSpiffProperties(element) {
  const values = {};
  const extensions = (element.extensionElements && element.extensionElements.values) || [];

  for (const extension of extensions) {
    if (extension.$type !== 'spiffworkflow:Properties') {
      continue;
    }

    for (const property of extension.values || []) {
      values[property.name] = property.value;
    }
  }
  return values;
}

module.exports = { readSpiffProperties };

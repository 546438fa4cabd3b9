const { is } = require('bpmnlint-utils');

/**
 * Report outgoing flows of an exclusive gateway that have no condition and are not the default.
 *
 * SpiffWorkflow rejects such a diagram at deploy time, so the designer shows it while drawing.
 */
module.exports = function gatewayFlowCondition() {

  function check(node, reporter) {
    if (!is(node, 'bpmn:ExclusiveGateway')) {
      return;
    }

    for (const flow of node.outgoing || []) {
      if (node.default === flow || hasCondition(flow)) {
        continue;
      }
      reporter.report(flow.id, 'Flow out of an exclusive gateway needs a condition or must be the default flow', ['conditionExpression']);
    }
  }

  return { check };
};

function hasCondition(flow) {
  const expression = flow.conditionExpression;
  return Boolean(expression && expression.body && expression.body.trim());
}

// bpmnlint configuration for the designer: our plugin's rules plus a few core rules.
import StaticResolver from 'bpmnlint/lib/resolver/static-resolver.js';
import endEventRequired from 'bpmnlint/rules/end-event-required.js';
import noDisconnected from 'bpmnlint/rules/no-disconnected.js';
import noDuplicateSequenceFlows from 'bpmnlint/rules/no-duplicate-sequence-flows.js';
import startEventRequired from 'bpmnlint/rules/start-event-required.js';
import gatewayFlowCondition from 'bpmnlint-plugin-hotline/rules/gateway-flow-condition.js';
import laneRole from 'bpmnlint-plugin-hotline/rules/lane-role.js';
import timerDuration from 'bpmnlint-plugin-hotline/rules/timer-duration.js';
import userTaskForm from 'bpmnlint-plugin-hotline/rules/user-task-form.js';

const RULES = {
  'rule:bpmnlint/end-event-required': endEventRequired,
  'rule:bpmnlint/no-disconnected': noDisconnected,
  'rule:bpmnlint/no-duplicate-sequence-flows': noDuplicateSequenceFlows,
  'rule:bpmnlint/start-event-required': startEventRequired,
  'rule:bpmnlint-plugin-hotline/gateway-flow-condition': gatewayFlowCondition,
  'rule:bpmnlint-plugin-hotline/lane-role': laneRole,
  'rule:bpmnlint-plugin-hotline/timer-duration': timerDuration,
  'rule:bpmnlint-plugin-hotline/user-task-form': userTaskForm,
};

/**
 * Build the `{config, resolver}` pair that bpmn-js-bpmnlint and bpmnlint's Linter take.
 *
 * `roles` are the role codes a lane may name; `forms` the form file names a user task may use.
 */
export function buildLintConfig({ roles, forms }) {
  const config = {
    rules: {
      'end-event-required': 'error',
      'no-disconnected': 'warn',
      'no-duplicate-sequence-flows': 'error',
      'start-event-required': 'error',
      'hotline/gateway-flow-condition': 'error',
      'hotline/lane-role': ['error', { roles }],
      'hotline/timer-duration': 'error',
      'hotline/user-task-form': ['error', { forms }],
    },
  };
  return { config, resolver: new StaticResolver(RULES) };
}

/**
 * bpmnlint plugin with the rules that mirror what the hotline engine needs from a diagram.
 *
 * The designer page fills the `roles` and `forms` rule options from the server's role codes
 * and form files. The `recommended` config leaves them out, so it checks only that lanes have a
 * name and user tasks a form.
 */
module.exports = {
  configs: {
    recommended: {
      rules: {
        'hotline/gateway-flow-condition': 'error',
        'hotline/user-task-form': 'error',
        'hotline/lane-role': 'error',
        'hotline/timer-duration': 'error'
      }
    }
  },
  rules: {
    'gateway-flow-condition': './rules/gateway-flow-condition',
    'user-task-form': './rules/user-task-form',
    'lane-role': './rules/lane-role',
    'timer-duration': './rules/timer-duration'
  }
};

const { is } = require('bpmnlint-utils');

/**
 * Report lanes whose name is not a role code, because the engine reads the lane name as the
 * role that may work on the lane's tasks.
 *
 * Option `roles`: the known role codes; without it only an empty lane name is reported.
 */
module.exports = function laneRole(config = {}) {
  const roles = Array.isArray(config.roles) ? new Set(config.roles) : null;

  function check(node, reporter) {
    if (!is(node, 'bpmn:Lane')) {
      return;
    }

    const name = (node.name || '').trim();
    if (!name) {
      reporter.report(node.id, 'Lane has no role; set its name to a role code');
      return;
    }

    if (roles && !roles.has(name)) {
      reporter.report(node.id, 'Lane name is not a known role code');
    }
  }

  return { check };
};

const { is } = require('bpmnlint-utils');
const { readSpiffProperties } = require('./properties');

/**
 * Report user tasks without a `form` property, or naming a form file that does not exist.
 *
 * Option `forms`: the known form file names; without it only a missing form is reported.
 */
module.exports = function userTaskForm(config = {}) {
  const knownForms = Array.isArray(config.forms) ? new Set(config.forms) : null;

  function check(node, reporter) {
    if (!is(node, 'bpmn:UserTask')) {
      return;
    }

    const form = (readSpiffProperties(node).form || '').trim();
    if (!form) {
      reporter.report(node.id, 'User task has no form');
      return;
    }

    if (knownForms && !knownForms.has(form)) {
      reporter.report(node.id, 'User task names a form file that does not exist');
    }
  }

  return { check };
};

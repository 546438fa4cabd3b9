const { is } = require('bpmnlint-utils');

// ISO 8601 duration as SpiffWorkflow 3.2.0 parses it (TimerEventDefinition.parse_iso_duration):
// PnYnMnWnDTnHnMnS in any letter case, each part optional but at least one present, a fraction
// only in the last part, and weeks never together with years, months or days.
const NUMBER = '(\\d+(?:[.,]\\d+)?)';
const ISO_DURATION = new RegExp(
  `^P(?:${NUMBER}Y)?(?:${NUMBER}M)?(?:${NUMBER}W)?(?:${NUMBER}D)?` +
  `(?:T(?=.)(?:${NUMBER}H)?(?:${NUMBER}M)?(?:${NUMBER}S)?)?$`,
  'i'
);
const QUOTED = /^(["'])(.*)\1$/s;

/**
 * Check a timer's duration expression, which SpiffWorkflow evaluates as Python.
 *
 * A bare `P3D` is a Python name, not a string, so it must be quoted. A quoted value must be a
 * valid ISO 8601 duration. Any other expression (a variable such as `callback_timeout`) cannot
 * be checked before run time and passes.
 */
module.exports = function timerDuration() {

  function check(node, reporter) {
    if (!is(node, 'bpmn:TimerEventDefinition') || !node.timeDuration) {
      return;
    }

    const problem = describeProblem((node.timeDuration.body || '').trim());
    if (problem) {
      reporter.report(ownerId(node), problem, ['timeDuration']);
    }
  }

  return { check };
};

function describeProblem(expression) {
  if (!expression) {
    return 'Timer duration is empty';
  }

  const quoted = QUOTED.exec(expression);
  if (quoted) {
    return isIsoDuration(quoted[2]) ? null : 'Timer duration is not a valid ISO 8601 duration such as "P3D"';
  }

  if (isIsoDuration(expression)) {
    return 'Timer duration must be quoted, for example "P3D"';
  }
  return null;
}

function isIsoDuration(text) {
  const match = ISO_DURATION.exec(text);
  if (!match) {
    return false;
  }

  const [, years, months, weeks, days] = match;
  const parts = match.slice(1).filter(Boolean);
  if (!parts.length || (weeks && (years || months || days))) {
    return false;
  }
  return parts.slice(0, -1).every((part) => !/[.,]/.test(part));
}

// Reports go on the event that contains the definition, so the overlay appears on the shape.
function ownerId(definition) {
  return (definition.$parent && definition.$parent.id) || definition.id;
}

module.exports.describeProblem = describeProblem;

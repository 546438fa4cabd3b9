// Adds the groups for what the hotline engine reads from a diagram to the bpmn-js properties panel.
import { Group } from '@bpmn-io/properties-panel';
import { is } from 'bpmn-js/lib/util/ModelUtil';

import { conditionEntries } from './condition.jsx';
import { laneEntries } from './lane.jsx';
import { taskEntries } from './task.jsx';
import { timerEntries, hasTimer } from './timer.jsx';

const LOW_PRIORITY = 500;

export default function HotlinePropertiesProvider(propertiesPanel, translate) {
  propertiesPanel.registerProvider(LOW_PRIORITY, this);
  this._translate = translate;
}

HotlinePropertiesProvider.$inject = ['propertiesPanel', 'translate'];

HotlinePropertiesProvider.prototype.getGroups = function (element) {
  const translate = this._translate;

  return (groups) => {
    const group = (id, label, entries) => ({ id, label: translate(label), component: Group, entries });

    if (is(element, 'bpmn:Lane')) {
      groups.splice(1, 0, group('hotline-lane', 'Lane', laneEntries(element)));
    }

    if (is(element, 'bpmn:UserTask')) {
      groups.splice(1, 0, group('hotline-task', 'Hotline task', taskEntries(element)));
    }

    if (is(element, 'bpmn:SequenceFlow')) {
      const entries = conditionEntries(element);
      if (entries.length) {
        groups.splice(1, 0, group('hotline-condition', 'Condition', entries));
      }
    }

    // Our timer group explains the Python expression that SpiffWorkflow evaluates, so it
    // replaces the generic one.
    if (hasTimer(element)) {
      const position = groups.findIndex((each) => each.id === 'timer');
      const timerGroup = group('hotline-timer', 'Timer', timerEntries(element));
      if (position >= 0) {
        groups.splice(position, 1, timerGroup);
      } else {
        groups.push(timerGroup);
      }
    }
    return groups;
  };
};

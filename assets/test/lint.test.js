// Run the designer's lint configuration on the shipped diagrams and on broken variants.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

import { BpmnModdle } from 'bpmn-moddle';
import Linter from 'bpmnlint/lib/linter.js';

import { buildLintConfig } from '../src/lint/config.js';
import spiffworkflow from '../src/moddle/spiffworkflow.json' with { type: 'json' };

const ROOT = new URL('../../', import.meta.url);
const ROLES = ['agent', 'dispatcher', 'handler', 'supervisor', 'commissioner', 'designer', 'admin'];
const FORMS = readdirSync(new URL('forms/', ROOT)).filter((name) => name.endsWith('.json'));

async function lint(xml, options = { roles: ROLES, forms: FORMS }) {
  const moddle = new BpmnModdle({ spiffworkflow });
  const { rootElement } = await moddle.fromXML(xml);
  const linter = new Linter(buildLintConfig(options));
  const results = await linter.lint(rootElement);
  return Object.values(results).flat().filter((report) => report.category === 'error');
}

function shipped(name) {
  return readFileSync(new URL(`bpmn/${name}`, ROOT), 'utf8');
}

for (const name of ['complaint.bpmn', 'consultation.bpmn', 'handling.bpmn', 'reprocessing.bpmn']) {
  test(`shipped ${name} has no lint errors`, async () => {
    assert.deepEqual(await lint(shipped(name)), []);
  });
}

test('unconditioned gateway flow is reported', async () => {
  const xml = shipped('complaint.bpmn').replace(' default="flow_callback_gateway_to_close_satisfied"', '');
  const errors = await lint(xml);
  assert.deepEqual(errors.map((error) => error.id), ['flow_callback_gateway_to_close_satisfied']);
});

test('user task without form is reported', async () => {
  const xml = shipped('complaint.bpmn').replace('<spiffworkflow:property name="form" value="callback.json"/>', '');
  const errors = await lint(xml);
  assert.deepEqual(errors.map((error) => [error.id, error.message]), [['callback', 'User task has no form']]);
});

test('unknown form file is reported', async () => {
  const xml = shipped('complaint.bpmn').replace('value="callback.json"', 'value="missing.json"');
  const errors = await lint(xml);
  assert.deepEqual(errors.map((error) => error.id), ['callback']);
});

test('lane with unknown role is reported', async () => {
  const xml = shipped('complaint.bpmn').replace('<bpmn:lane id="lane_supervisor" name="supervisor">', '<bpmn:lane id="lane_supervisor" name="citizen">');
  const errors = await lint(xml);
  assert.deepEqual(errors.map((error) => error.id), ['lane_supervisor']);
});

test('unquoted timer duration is reported on its event', async () => {
  const xml = shipped('complaint.bpmn').replace('<bpmn:timeDuration>callback_timeout</bpmn:timeDuration>', '<bpmn:timeDuration>P3D</bpmn:timeDuration>');
  const errors = await lint(xml);
  assert.deepEqual(errors.map((error) => [error.id, error.message]), [['callback_timeout_timer', 'Timer duration must be quoted, for example "P3D"']]);
});

test('quoted invalid timer duration is reported', async () => {
  const xml = shipped('complaint.bpmn').replace('<bpmn:timeDuration>callback_timeout</bpmn:timeDuration>', '<bpmn:timeDuration>"P1W2D"</bpmn:timeDuration>');
  const errors = await lint(xml);
  assert.deepEqual(errors.map((error) => error.id), ['callback_timeout_timer']);
});

test('quoted valid timer duration passes', async () => {
  const xml = shipped('complaint.bpmn').replace('<bpmn:timeDuration>callback_timeout</bpmn:timeDuration>', '<bpmn:timeDuration>"PT36H"</bpmn:timeDuration>');
  assert.deepEqual(await lint(xml), []);
});

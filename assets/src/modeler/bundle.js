// The files and forms of one process bundle as the modeler page keeps them in memory.

const XML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

function escapeXml(text) {
  return String(text).replace(/[&<>"']/g, (character) => XML_ESCAPES[character]);
}

/** Return the name of the file whose XML defines `<process id="processId">`, or the first file. */
export function definingFile(files, processId) {
  const names = Object.keys(files).sort();
  const pattern = new RegExp(`<(?:[\\w-]+:)?process\\b[^>]*\\bid="${processId.replace(/[.]/g, '\\.')}"`);
  return names.find((name) => pattern.test(files[name])) || names[0] || null;
}

/** Return a one-pool diagram with a start event, for a process that has no file yet. */
export function newDiagramXml(processId, name) {
  const id = escapeXml(processId);
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="definitions_${id}" targetNamespace="https://12345-hotline.example/bpmn">
  <bpmn:collaboration id="collaboration_${id}">
    <bpmn:participant id="participant_${id}" name="${escapeXml(name || processId)}" processRef="${id}"/>
  </bpmn:collaboration>
  <bpmn:process id="${id}" name="${escapeXml(name || processId)}" isExecutable="true">
    <bpmn:startEvent id="start"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="diagram_${id}">
    <bpmndi:BPMNPlane id="plane_${id}" bpmnElement="collaboration_${id}">
      <bpmndi:BPMNShape id="participant_${id}_di" bpmnElement="participant_${id}" isHorizontal="true">
        <dc:Bounds x="130" y="60" width="800" height="250"/>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="start_di" bpmnElement="start">
        <dc:Bounds x="222" y="167" width="36" height="36"/>
      </bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;
}

/** Bundle state: BPMN files by name, the bundle's own forms, and the forms the server ships. */
export class Bundle {
  constructor() {
    this.files = {};
    this.forms = {};
    this.serverForms = {};
    this.current = null;
  }

  /** Replace files and forms with those of a source response. */
  load(source) {
    this.files = { ...(source.files || {}) };
    this.forms = { ...(source.forms || {}) };
  }

  /** Return every form name the tasks may use, sorted. */
  formNames() {
    return [...new Set([...Object.keys(this.serverForms), ...Object.keys(this.forms)])].sort();
  }

  /** Return the schema of a form, the bundle's own version first. */
  formSchema(name) {
    return this.forms[name] || this.serverForms[name] || null;
  }
}

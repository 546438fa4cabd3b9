"""The process designer: drafts, validation, versions and migration of BPMN process models."""

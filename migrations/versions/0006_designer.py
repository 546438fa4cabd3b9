"""Add drafts, form snapshots per version, and the workflow error queue

New table process_draft: a designer's unsaved process model, one per process,
with its BPMN files and form schemas as JSON text.

process_version gains name and forms. forms is JSON text {form file name:
JSON Schema} of every form the version's user tasks name, so a running appeal
keeps the forms it started with when a later version changes them. Versions
deployed before this revision store '{}' and read their forms from the forms
folder, as before.

New table workflow_error and the workflow_instance.errored flag: an instance
whose script or condition failed in the engine is queued for an administrator,
and the timer and message jobs skip it until it is retried.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('process_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_id', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('files', sa.Text(), nullable=False),
    sa.Column('forms', sa.Text(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_process_draft_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_draft')),
    sa.UniqueConstraint('process_id', name=op.f('uq_process_draft_process_id'))
    )
    op.create_table('workflow_error',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('appeal_id', sa.Integer(), nullable=False),
    sa.Column('process_version_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('task_spec', sa.String(length=100), nullable=False),
    sa.Column('human_task_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('form_data', sa.Text(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolution', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_workflow_error_actor_id_user_account')),
    sa.ForeignKeyConstraint(['appeal_id'], ['appeal.id'], name=op.f('fk_workflow_error_appeal_id_appeal')),
    sa.ForeignKeyConstraint(['human_task_id'], ['human_task.id'], name=op.f('fk_workflow_error_human_task_id_human_task')),
    sa.ForeignKeyConstraint(['instance_id'], ['workflow_instance.id'], name=op.f('fk_workflow_error_instance_id_workflow_instance')),
    sa.ForeignKeyConstraint(['process_version_id'], ['process_version.id'], name=op.f('fk_workflow_error_process_version_id_process_version')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['user_account.id'], name=op.f('fk_workflow_error_resolved_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workflow_error'))
    )
    with op.batch_alter_table('workflow_error', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workflow_error_instance_id'), ['instance_id'], unique=False)
        batch_op.create_index('ix_workflow_error_resolved_at', ['resolved_at', 'id'], unique=False)

    with op.batch_alter_table('process_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('forms', sa.Text(), nullable=False, server_default='{}'))

    with op.batch_alter_table('workflow_instance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('errored', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('workflow_instance', schema=None) as batch_op:
        batch_op.drop_column('errored')

    with op.batch_alter_table('process_version', schema=None) as batch_op:
        batch_op.drop_column('forms')
        batch_op.drop_column('name')

    with op.batch_alter_table('workflow_error', schema=None) as batch_op:
        batch_op.drop_index('ix_workflow_error_resolved_at')
        batch_op.drop_index(batch_op.f('ix_workflow_error_instance_id'))

    op.drop_table('workflow_error')
    op.drop_table('process_draft')

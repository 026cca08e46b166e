"""The complete schema of the first release with migrations (generated once with autogenerate against an
empty database, then reviewed): a database made by ``metadata.create_all`` of that release is stamped here.

Revision ID: 0001
Revises:
Create Date: 2026-12-03 15:40:17.953234
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None
#: shown by ``kansenmonitor db history``
description_nl = 'Het volledige schema van de eerste versie met schemaversies.'


def upgrade() -> None:
    op.create_table('accounts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('display_name', sa.Text(), nullable=False),
    sa.Column('password_hash', sa.Text(), nullable=True),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('organisation', sa.Text(), nullable=True),
    sa.Column('programme', sa.String(length=200), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.String(length=32), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('object_kind', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.String(length=200), nullable=False),
    sa.Column('before', sa.Text(), nullable=True),
    sa.Column('after', sa.Text(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_audit_object', 'audit_log', ['object_kind', 'object_id'], unique=False)

    op.create_table('documents',
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('id', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'id')
    )
    op.create_table('imports',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('file', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('observations', sa.Integer(), nullable=False),
    sa.Column('regions', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.String(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('indicators',
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('label_nl', sa.Text(), nullable=False),
    sa.Column('label_en', sa.Text(), nullable=False),
    sa.Column('definition_nl', sa.Text(), nullable=True),
    sa.Column('definition_en', sa.Text(), nullable=True),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('theme', sa.String(length=60), nullable=False),
    sa.Column('polarity', sa.String(length=20), nullable=False),
    sa.Column('aggregation', sa.String(length=20), nullable=False),
    sa.Column('numerator', sa.String(length=100), nullable=True),
    sa.Column('denominator', sa.String(length=100), nullable=True),
    sa.Column('factor', sa.Float(), nullable=False),
    sa.Column('weight', sa.String(length=100), nullable=True),
    sa.Column('min_count', sa.Integer(), nullable=True),
    sa.Column('decimals', sa.Integer(), nullable=False),
    sa.Column('value_type', sa.String(length=12), nullable=False),
    sa.Column('max_value', sa.Float(), nullable=True),
    sa.Column('structural', sa.Boolean(), nullable=False),
    sa.Column('sources', sa.Text(), nullable=False),
    sa.Column('catalogue_file', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('meta',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('network_edges',
    sa.Column('network', sa.String(length=80), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=120), nullable=False),
    sa.Column('target', sa.String(length=120), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('type', sa.String(length=80), nullable=True),
    sa.PrimaryKeyConstraint('network', 'seq')
    )
    op.create_table('network_graphs',
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('files', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('imported_at', sa.String(length=32), nullable=False),
    sa.Column('nodes', sa.Integer(), nullable=False),
    sa.Column('edges', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('network_nodes',
    sa.Column('network', sa.String(length=80), nullable=False),
    sa.Column('id', sa.String(length=120), nullable=False),
    sa.Column('label', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=80), nullable=True),
    sa.Column('area', sa.String(length=80), nullable=True),
    sa.PrimaryKeyConstraint('network', 'id')
    )
    op.create_table('participation_rounds',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('area_kind', sa.String(length=16), nullable=False),
    sa.Column('area_code', sa.String(length=80), nullable=False),
    sa.Column('area_name', sa.Text(), nullable=False),
    sa.Column('boundary_year', sa.Integer(), nullable=False),
    sa.Column('fixed', sa.Text(), nullable=False),
    sa.Column('influence', sa.Text(), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('afterwards', sa.Text(), nullable=False),
    sa.Column('opens', sa.String(length=10), nullable=False),
    sa.Column('closes', sa.String(length=10), nullable=False),
    sa.Column('themes', sa.Text(), nullable=False),
    sa.Column('example', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_participation_rounds_area', 'participation_rounds', ['area_code'], unique=False)

    op.create_table('region_links',
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('boundary_year', sa.Integer(), nullable=False),
    sa.Column('to_code', sa.String(length=80), nullable=False),
    sa.Column('to_boundary_year', sa.Integer(), nullable=False),
    sa.Column('relation', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('code', 'boundary_year', 'to_code', 'to_boundary_year')
    )
    op.create_table('region_members',
    sa.Column('area', sa.String(length=80), nullable=False),
    sa.Column('boundary_year', sa.Integer(), nullable=False),
    sa.Column('member', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('area', 'boundary_year', 'member')
    )
    op.create_table('regions',
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('boundary_year', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('parent', sa.String(length=80), nullable=True),
    sa.Column('gemeente', sa.String(length=8), nullable=True),
    sa.Column('geometry', sa.Text(), nullable=True),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('code', 'boundary_year')
    )
    op.create_index('ix_regions_level_year', 'regions', ['level', 'boundary_year'], unique=False)
    op.create_index('ix_regions_parent', 'regions', ['parent'], unique=False)

    op.create_table('scenarios',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('area_kind', sa.String(length=16), nullable=False),
    sa.Column('area_code', sa.String(length=80), nullable=False),
    sa.Column('area_name', sa.Text(), nullable=False),
    sa.Column('boundary_year', sa.Integer(), nullable=False),
    sa.Column('area_members', sa.Text(), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('draws', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('adopted_programme', sa.String(length=200), nullable=True),
    sa.Column('adopted_at', sa.String(length=32), nullable=True),
    sa.Column('adopted_by', sa.String(length=80), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_scenarios_area', 'scenarios', ['area_code'], unique=False)

    op.create_table('school_areas',
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('boundary_year', sa.Integer(), nullable=False),
    sa.Column('buurt', sa.String(length=16), nullable=True),
    sa.Column('wijk', sa.String(length=16), nullable=True),
    sa.Column('gemeente', sa.String(length=8), nullable=True),
    sa.Column('method', sa.String(length=24), nullable=False),
    sa.PrimaryKeyConstraint('code', 'boundary_year')
    )
    op.create_index('ix_school_areas_buurt', 'school_areas', ['buurt', 'boundary_year'], unique=False)

    op.create_table('school_groups',
    sa.Column('school', sa.String(length=8), nullable=False),
    sa.Column('period', sa.Integer(), nullable=False),
    sa.Column('klas', sa.String(length=40), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('school', 'period', 'klas', 'category')
    )
    op.create_table('school_history',
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(length=16), nullable=False),
    sa.Column('to_code', sa.String(length=8), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('source', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('code', 'year', 'event')
    )
    op.create_table('school_locations',
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('brin', sa.String(length=4), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('sector', sa.String(length=8), nullable=False),
    sa.Column('denomination', sa.Text(), nullable=True),
    sa.Column('board', sa.String(length=16), nullable=True),
    sa.Column('street', sa.Text(), nullable=True),
    sa.Column('house_number', sa.String(length=24), nullable=True),
    sa.Column('postcode', sa.String(length=8), nullable=True),
    sa.Column('place', sa.Text(), nullable=True),
    sa.Column('gemeente', sa.String(length=8), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('location_method', sa.String(length=24), nullable=True),
    sa.Column('structure', sa.Text(), nullable=True),
    sa.Column('first_year', sa.Integer(), nullable=True),
    sa.Column('last_year', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_index('ix_school_locations_gemeente', 'school_locations', ['gemeente'], unique=False)

    op.create_table('school_observations',
    sa.Column('school', sa.String(length=8), nullable=False),
    sa.Column('indicator', sa.String(length=100), nullable=False),
    sa.Column('period', sa.Integer(), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('numerator', sa.Float(), nullable=True),
    sa.Column('denominator', sa.Float(), nullable=True),
    sa.Column('lower', sa.Float(), nullable=True),
    sa.Column('upper', sa.Float(), nullable=True),
    sa.Column('source_ref', sa.Text(), nullable=True),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('school', 'indicator', 'period')
    )
    op.create_index('ix_school_obs_indicator', 'school_observations', ['indicator', 'period'], unique=False)

    op.create_table('survey_respondents',
    sa.Column('survey', sa.String(length=40), nullable=False),
    sa.Column('wave', sa.Integer(), nullable=False),
    sa.Column('respondent', sa.String(length=64), nullable=False),
    sa.Column('area', sa.String(length=80), nullable=False),
    sa.Column('boundary_year', sa.Integer(), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('answers', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('survey', 'wave', 'respondent')
    )
    op.create_index('ix_survey_respondents_area', 'survey_respondents', ['survey', 'wave', 'area'], unique=False)

    op.create_table('survey_results',
    sa.Column('id', sa.String(length=120), nullable=False),
    sa.Column('survey', sa.String(length=40), nullable=False),
    sa.Column('wave', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('survey_waves',
    sa.Column('survey', sa.String(length=40), nullable=False),
    sa.Column('wave', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.Column('codebook', sa.Text(), nullable=False),
    sa.Column('codebook_sha', sa.String(length=64), nullable=False),
    sa.Column('data_sha', sa.String(length=64), nullable=True),
    sa.Column('file', sa.Text(), nullable=True),
    sa.Column('respondents', sa.Integer(), nullable=False),
    sa.Column('area_level', sa.String(length=16), nullable=False),
    sa.Column('boundary_year', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.String(length=32), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('survey', 'wave')
    )
    op.create_table('account_sessions',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('expires_at', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ),
    sa.PrimaryKeyConstraint('token_hash')
    )
    op.create_index('ix_account_sessions_account', 'account_sessions', ['account_id'], unique=False)

    op.create_table('api_tokens',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.Text(), nullable=False),
    sa.Column('scope', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('revoked', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ),
    sa.PrimaryKeyConstraint('token_hash')
    )
    op.create_table('observations',
    sa.Column('region', sa.String(length=80), nullable=False),
    sa.Column('boundary_year', sa.Integer(), nullable=False),
    sa.Column('indicator', sa.String(length=100), nullable=False),
    sa.Column('period', sa.Integer(), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('numerator', sa.Float(), nullable=True),
    sa.Column('denominator', sa.Float(), nullable=True),
    sa.Column('lower', sa.Float(), nullable=True),
    sa.Column('upper', sa.Float(), nullable=True),
    sa.Column('source_ref', sa.Text(), nullable=True),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['indicator'], ['indicators.id'], ),
    sa.PrimaryKeyConstraint('region', 'boundary_year', 'indicator', 'period')
    )
    op.create_index('ix_obs_indicator_period', 'observations', ['indicator', 'period'], unique=False)

    op.create_table('participation_responses',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('round_id', sa.String(length=80), nullable=False),
    sa.Column('submitted_at', sa.String(length=32), nullable=False),
    sa.Column('ranks', sa.Text(), nullable=False),
    sa.Column('idea', sa.Text(), nullable=True),
    sa.Column('knowledge', sa.Text(), nullable=True),
    sa.Column('consent', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('moderated_at', sa.String(length=32), nullable=True),
    sa.Column('moderated_by', sa.String(length=80), nullable=True),
    sa.ForeignKeyConstraint(['round_id'], ['participation_rounds.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_participation_responses_round', 'participation_responses', ['round_id', 'status'], unique=False)

    op.create_table('scenario_assumptions',
    sa.Column('scenario_id', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('assumption_id', sa.String(length=80), nullable=False),
    sa.Column('context', sa.Text(), nullable=False),
    sa.Column('mechanism', sa.Text(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('indicator', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['scenario_id'], ['scenarios.id'], ),
    sa.PrimaryKeyConstraint('scenario_id', 'position')
    )
    op.create_table('scenario_measures',
    sa.Column('scenario_id', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.String(length=80), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('indicator', sa.String(length=100), nullable=False),
    sa.Column('reach', sa.Integer(), nullable=False),
    sa.Column('cost', sa.Float(), nullable=False),
    sa.Column('programme', sa.String(length=200), nullable=True),
    sa.Column('intervention', sa.String(length=200), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['scenario_id'], ['scenarios.id'], ),
    sa.PrimaryKeyConstraint('scenario_id', 'position')
    )


def downgrade() -> None:
    op.drop_table('scenario_measures')
    op.drop_table('scenario_assumptions')
    op.drop_index('ix_participation_responses_round', table_name='participation_responses')

    op.drop_table('participation_responses')
    op.drop_index('ix_obs_indicator_period', table_name='observations')

    op.drop_table('observations')
    op.drop_table('api_tokens')
    op.drop_index('ix_account_sessions_account', table_name='account_sessions')

    op.drop_table('account_sessions')
    op.drop_table('survey_waves')
    op.drop_table('survey_results')
    op.drop_index('ix_survey_respondents_area', table_name='survey_respondents')

    op.drop_table('survey_respondents')
    op.drop_index('ix_school_obs_indicator', table_name='school_observations')

    op.drop_table('school_observations')
    op.drop_index('ix_school_locations_gemeente', table_name='school_locations')

    op.drop_table('school_locations')
    op.drop_table('school_history')
    op.drop_table('school_groups')
    op.drop_index('ix_school_areas_buurt', table_name='school_areas')

    op.drop_table('school_areas')
    op.drop_index('ix_scenarios_area', table_name='scenarios')

    op.drop_table('scenarios')
    op.drop_index('ix_regions_parent', table_name='regions')
    op.drop_index('ix_regions_level_year', table_name='regions')

    op.drop_table('regions')
    op.drop_table('region_members')
    op.drop_table('region_links')
    op.drop_index('ix_participation_rounds_area', table_name='participation_rounds')

    op.drop_table('participation_rounds')
    op.drop_table('network_nodes')
    op.drop_table('network_graphs')
    op.drop_table('network_edges')
    op.drop_table('meta')
    op.drop_table('indicators')
    op.drop_table('imports')
    op.drop_table('documents')
    op.drop_index('ix_audit_object', table_name='audit_log')

    op.drop_table('audit_log')
    op.drop_table('accounts')

import type { Migration, MigrationProvider } from 'kysely'
import * as m001 from './001_foundation'
import * as m002 from './002_inspections'
import * as m003 from './003_annex_a'
import * as m004 from './004_evidence'
import * as m005 from './005_milestone_completions'
import * as m006 from './006_evidence_approvals'
import * as m007 from './007_task_assignments'
import * as m008 from './008_evidence_step_up'
import * as m009 from './009_annex_a_query_reasons'
import * as m010 from './010_person_phone'
import * as m011 from './011_notifications'
import * as m012 from './012_case_tracking'
import * as m013 from './013_case_audit'

/** Every migration, in order. Static imports so the app needs no file-system discovery at run time. */
const migrations: Record<string, Migration> = {
  '001_foundation': m001,
  '002_inspections': m002,
  '003_annex_a': m003,
  '004_evidence': m004,
  '005_milestone_completions': m005,
  '006_evidence_approvals': m006,
  '007_task_assignments': m007,
  '008_evidence_step_up': m008,
  '009_annex_a_query_reasons': m009,
  '010_person_phone': m010,
  '011_notifications': m011,
  '012_case_tracking': m012,
  '013_case_audit': m013,
}

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations
  },
}

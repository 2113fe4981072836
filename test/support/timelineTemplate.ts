import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { bundledFrameworksDirectory } from '../../src/features/frameworks/loadDirectory'
import { parseFramework } from '../../src/domain/frameworks/parse'
import type { TimelineTemplate } from '../../src/domain/timeline/template'

/** The front door framework's timeline, read from the repository's frameworks folder (tests only). */
export function frontDoorTimeline(): TimelineTemplate {
  const file = 'front-door.json'
  const result = parseFramework(readFileSync(join(bundledFrameworksDirectory(), file), 'utf8'), file)
  if (!result.ok) throw new Error(`The bundled ${file} is invalid.`)
  return result.framework.timeline
}

export { DEFAULT_AUDIT_TOOL, frameworkSchema, type Framework } from './schema'
export { parseFramework, formatFrameworkProblem, type FrameworkProblem } from './parse'

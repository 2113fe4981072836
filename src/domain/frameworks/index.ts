export { frameworkSchema, type Framework } from './schema'
export { parseFramework, formatFrameworkProblem, type FrameworkProblem } from './parse'

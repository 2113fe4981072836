export { frameworkSchema, type Framework, type CriteriaGroup, type Criterion, type RequiredDocument, type CaseRecordRequest, type InspectionTeamMember } from './schema'
export { parseFramework, formatFrameworkProblem, type FrameworkProblem, type FrameworkParseResult } from './parse'

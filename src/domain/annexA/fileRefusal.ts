/**
 * A file we will not read, with the one sentence a person needs. Thrown inside the reading pipeline
 * and turned into a single file-level problem by the validator (never a stack trace).
 */
export class FileRefusal extends Error {
  readonly rule: string
  constructor(rule: string, message: string) {
    super(message)
    this.rule = rule
    this.name = 'FileRefusal'
  }
}

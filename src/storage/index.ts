export {
  FileNotFoundError,
  FileStoreError,
  FileTooLargeError,
  type FileStat,
  type FileStore,
  type PutOptions,
  type StoredFile,
  type SweepOptions,
  type SweepReport,
} from './fileStore'
export { FsFileStore, isFileKey } from './fsFileStore'
export { ScratchSpace } from './scratch'
export { startSweeper, type SweeperLogger, type SweeperOptions } from './sweeper'

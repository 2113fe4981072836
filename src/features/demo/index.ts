/** The fictional Anytown partnership for the `demo` command (no routes). */

export { createDemoService, type DemoServiceDeps } from './service'

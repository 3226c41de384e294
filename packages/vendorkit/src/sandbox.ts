/**
 * The vendorkit sandbox: every vendor mock API served as real HTTP on localhost.
 *
 * @packageDocumentation
 */

export {
  type RunningHandlerServer,
  type ServeRequestHandlersOptions,
  serveRequestHandlers,
} from './sandbox/http-bridge.js';
export {
  describeSandbox,
  SANDBOX_CREDENTIALS,
  type Sandbox,
  type SandboxCredentials,
  type SandboxLinks,
  type SandboxOptions,
  type SandboxUrls,
  startSandbox,
} from './sandbox/start.js';

export { PROTOCOL, TerminalGateway, recordingPath } from './gateway.js';
export { CLOSE } from './session-terminal.js';
export { recordingForRole } from './recording-view.js';

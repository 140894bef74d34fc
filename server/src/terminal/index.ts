export { PROTOCOL, TerminalGateway, recordingPath, sessionFiles } from './gateway.js';
export { CLOSE } from './session-terminal.js';
export { recordingForRole } from './recording-view.js';

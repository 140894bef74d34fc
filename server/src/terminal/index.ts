export { PROTOCOL, TerminalGateway, recordingPath } from './gateway.js';
export { CLOSE } from './session-terminal.js';

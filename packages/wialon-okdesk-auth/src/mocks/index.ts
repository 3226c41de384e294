export {
  createOkdeskMock,
  type OkdeskMock,
  type OkdeskMockContact,
  type OkdeskMockOptions,
  type OkdeskMockStats,
} from './okdesk.js';
export {
  createWialonMock,
  type WialonMock,
  type WialonMockOptions,
  type WialonMockSessionOptions,
  type WialonMockStats,
  type WialonMockUser,
} from './wialon.js';

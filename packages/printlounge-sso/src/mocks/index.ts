export {
  createPrintLoungeMock,
  MOCK_SESSION_COOKIE,
  type MockLogin,
  type MockShopConfig,
  type PrintLoungeMock,
  type PrintLoungeMockOptions,
} from './print-lounge-mock.js';

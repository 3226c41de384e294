export {
  createMcParkenMock,
  MCPARKEN_MOCK_DEFAULTS,
  MCPARKEN_MOCK_ZONES,
  type McParkenMock,
  type McParkenMockOptions,
  type McParkenMockStats,
  type McParkenMockUser,
} from './mcparken-mock.js';

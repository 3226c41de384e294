export { ConfigurationError, isVendorkitError } from '@vendorkit/core';
export { decrypt, type EncryptOptions, encrypt, type KeyInput } from './encrypt.js';
export { isRijndaelError, RijndaelError, type RijndaelErrorCode } from './errors.js';
export {
  type McryptCipher,
  type McryptKeyHandling,
  type McryptOptions,
  mcryptDecrypt,
  mcryptEncrypt,
} from './mcrypt.js';
export { MODES, type Mode } from './modes.js';
export { PADDINGS, type Padding } from './padding.js';
export { type BlockBits, Rijndael, type RijndaelEngine, type RijndaelOptions } from './rijndael.js';

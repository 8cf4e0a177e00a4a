'use strict';

module.exports = async () => {
  if (globalThis.__E2E_KAFKA__) await globalThis.__E2E_KAFKA__.stop();
};

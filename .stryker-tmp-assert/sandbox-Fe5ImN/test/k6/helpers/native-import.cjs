// @ts-nocheck
// Node's own import(), loaded through require so vitest's module transform never sees it.
module.exports = (url) => import(url);

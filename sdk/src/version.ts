/** The SDK's version, sent in `X-Segmento-Client` and `User-Agent` (a test keeps it equal to package.json's). */
export const VERSION = "0.3.0";

import { defineSettings, setting, type SettingsOf } from '@seldon-eventing/settings';
import { ingressAuthTokenSetting } from '@seldon-eventing/transport';

/** How the ingresses (broker, ingress-adapter) authenticate requests; nothing set: off. */
export const authSettings = defineSettings('Ingress authentication', {
  token: ingressAuthTokenSetting,
  jwtAudience: setting.string('INGRESS_JWT_AUDIENCE', {
    defaultText: 'none (off)',
    description: 'accept JWTs whose `aud` holds this (Knative OIDC: `eventing.knative.dev/broker/<ns>/<name>`), checked with one of the keys below',
  }),
  jwtSecret: setting.string('INGRESS_JWT_SECRET', { description: 'HMAC key (HS256/384/512) of the JWTs, at least 32 bytes' }),
  jwtPublicKeyFile: setting.string('INGRESS_JWT_PUBLIC_KEY_FILE', { description: 'PEM public key (RS256/ES256) of the JWTs' }),
  jwtJwksUrl: setting.url('INGRESS_JWT_JWKS_URL', { description: "the issuer's JWKS: keys fetched by `kid`, fetched again on a miss as keys rotate" }),
  jwtIssuer: setting.string('INGRESS_JWT_ISSUER', { defaultText: 'none (any issuer)', description: 'accept only JWTs whose `iss` is this' }),
});

export type AuthSettings = SettingsOf<typeof authSettings>;

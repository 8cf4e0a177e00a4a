import { defineSettings, setting, type SettingsOf } from '@seldon-eventing/settings';
import { ingressAuthTokenSetting } from '@seldon-eventing/transport';

/** How the ingresses (broker, ingress-adapter) authenticate requests; nothing set: off. */
export const authSettings = defineSettings('Ingress authentication', {
  token: ingressAuthTokenSetting,
  jwtAudience: setting.string('INGRESS_JWT_AUDIENCE', {
    defaultText: 'none (off)',
    description:
      'accept JWTs whose `aud` holds this (Knative OIDC: `eventing.knative.dev/broker/<ns>/<name>`), checked with one of `INGRESS_JWT_SECRET`, `INGRESS_JWT_PUBLIC_KEY_FILE` or `INGRESS_JWT_JWKS_URL`',
  }),
  jwtSecret: setting.string('INGRESS_JWT_SECRET', { description: 'HMAC key (HS256/384/512) of the JWTs, at least 32 bytes' }),
  jwtPublicKeyFile: setting.string('INGRESS_JWT_PUBLIC_KEY_FILE', { description: 'PEM public key of the JWTs: RSA, EC or Ed25519' }),
  // Checked by ingress-auth.ts (an http(s) URL), which names the variable in its message.
  jwtJwksUrl: setting.string('INGRESS_JWT_JWKS_URL', {
    description:
      "the issuer's JSON Web Key Set (Kubernetes: `https://kubernetes.default.svc/openid/v1/jwks`); keys chosen by `kid`, refetched on an unknown `kid` (at most every 30 s) and every 10 min; unreachable: 503",
  }),
  jwtIssuer: setting.string('INGRESS_JWT_ISSUER', { defaultText: 'none (any issuer)', description: 'the `iss` a JWT must carry (Kubernetes: its `--service-account-issuer`)' }),
});

export type AuthSettings = SettingsOf<typeof authSettings>;

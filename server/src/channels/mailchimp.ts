import { createHash } from "node:crypto";
import { basicAuth, callProvider, refuse, stringAt } from "./http.js";
import type { ChannelAdapter, ChannelConfigs, SendOptions } from "./types.js";

type Config = ChannelConfigs["mailchimp"];

/** The key's suffix names its data center: `...-us6` is served by `https://us6.api.mailchimp.com/3.0`. */
export function mailchimpBaseUrl(config: Config, options: SendOptions): string | undefined {
  const override = options.baseUrls?.mailchimp;
  if (override) return override.replace(/\/+$/, "");
  const dataCenter = /-([a-z]+\d+)$/.exec(config.apiKey)?.[1];
  return dataCenter ? `https://${dataCenter}.api.mailchimp.com/3.0` : undefined;
}

function call(
  config: Config,
  options: SendOptions,
  method: "GET" | "POST" | "PUT",
  path: string,
  body?: unknown,
) {
  const base = mailchimpBaseUrl(config, options);
  if (!base) return Promise.resolve(refuse("The Mailchimp API key has no data center suffix (like -us6)"));
  return callProvider(
    {
      method,
      url: `${base}${path}`,
      headers: { authorization: basicAuth("segmento", config.apiKey) },
      json: body,
      secrets: [config.apiKey],
      // {"type":"https://mailchimp.com/developer/marketing/docs/errors/","title":"Resource Not Found","status":404,"detail":"The requested resource could not be found.","instance":"..."}
      errorMessage: (error) => {
        const title = stringAt(error, "title");
        const detail = stringAt(error, "detail");
        return title && detail ? `${title}: ${detail}` : (detail ?? title);
      },
    },
    options,
  );
}

const listPath = (config: Config) => `/lists/${encodeURIComponent(config.listId)}`;

/** Mailchimp identifies a list member by the MD5 of the lowercased address. */
export function subscriberHash(email: string): string {
  return createHash("md5").update(email.toLowerCase()).digest("hex");
}

/** Adds the customer to the audience (or leaves an existing member as is) and tags them. */
export const mailchimp: ChannelAdapter<Config> = {
  channel: "mailchimp",
  async send(config, message, options) {
    if (!message.to.email) return refuse("The customer has no email address");
    const memberPath = `${listPath(config)}/members/${subscriberHash(message.to.email)}`;
    const member = await call(config, options, "PUT", memberPath, {
      email_address: message.to.email,
      status_if_new: "subscribed",
    });
    if (!member.ok) return member;
    const tagged = await call(config, options, "POST", `${memberPath}/tags`, {
      tags: [{ name: message.tag ?? "segmento", status: "active" }],
    });
    return tagged.ok ? member : tagged;
  },
  /** Pings the API with the key, then reads the audience, so a wrong listId fails the test too. */
  async test(config, options) {
    const ping = await call(config, options, "GET", "/ping");
    return ping.ok ? call(config, options, "GET", listPath(config)) : ping;
  },
};

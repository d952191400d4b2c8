import { postToWebhookUrl, stringAt } from "./http.js";
import type { ChannelAdapter, ChannelConfigs, SendOptions } from "./types.js";

type Config = ChannelConfigs["teams"];

/** The Adaptive Card envelope Microsoft documents for Teams incoming webhooks. */
export function teamsCard(title: string | undefined, text: string) {
  const body = [
    ...(title ? [{ type: "TextBlock", text: title, weight: "Bolder", size: "Medium", wrap: true }] : []),
    { type: "TextBlock", text, wrap: true },
  ];
  return {
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        contentUrl: null,
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: "1.2",
          body,
        },
      },
    ],
  };
}

/**
 * Connector webhooks answer 200 `1` or a plain-text error; Workflows webhooks answer 202, or an error as
 * {"error":{"code":"...","message":"..."}}.
 */
function post(config: Config, card: ReturnType<typeof teamsCard>, options: SendOptions) {
  return postToWebhookUrl(
    config.webhookUrl,
    {
      json: card,
      errorMessage: (body) => {
        const error =
          typeof body === "object" && body !== null ? (body as { error?: unknown }).error : undefined;
        const message = stringAt(error, "message");
        const code = stringAt(error, "code");
        return message && code ? `${code}: ${message}` : message;
      },
    },
    options,
    { urlIsSecret: true },
  );
}

export const teams: ChannelAdapter<Config> = {
  channel: "teams",
  send(config, message, options) {
    return post(config, teamsCard(message.subject, message.text), options);
  },
  test(config, options) {
    return post(config, teamsCard("Segmento", "Segmento is connected to this channel."), options);
  },
};

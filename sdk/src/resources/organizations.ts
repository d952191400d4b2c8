import type { RequestOptions } from "../client.js";
import type { APIPromise } from "../core/api-promise.js";
import { APIResource } from "../internal/resource.js";
import type { Input, Schema } from "../types.js";

class Members extends APIResource {
  /**
   * List members (`GET /api/organizations/{orgId}/members`).
   *
   * @example
   * ```ts
   * const result = await segmento.organizations.members.list(orgId);
   * ```
   */
  list(orgId: string, options?: RequestOptions): APIPromise<Schema<"MemberList">> {
    return this.client.request(
      "get",
      "/api/organizations/{orgId}/members",
      { params: { path: { orgId } } },
      options,
    );
  }

  /**
   * Change a member's role (`PATCH /api/organizations/{orgId}/members/{memberId}`).
   *
   * @example
   * ```ts
   * const result = await segmento.organizations.members.update(orgId, memberId, body);
   * ```
   */
  update(
    orgId: string,
    memberId: string,
    body: Input<"MemberUpdate">,
    options?: RequestOptions,
  ): APIPromise<Schema<"Member">> {
    const path = { orgId, memberId };
    return this.client.request(
      "patch",
      "/api/organizations/{orgId}/members/{memberId}",
      { params: { path }, body },
      options,
    );
  }

  /**
   * Remove a member (`DELETE /api/organizations/{orgId}/members/{memberId}`).
   *
   * @example
   * ```ts
   * await segmento.organizations.members.remove(orgId, memberId);
   * ```
   */
  remove(orgId: string, memberId: string, options?: RequestOptions): APIPromise<void> {
    const path = { orgId, memberId };
    return this.client.request(
      "delete",
      "/api/organizations/{orgId}/members/{memberId}",
      { params: { path } },
      options,
    );
  }
}

class Invitations extends APIResource {
  /**
   * List invitations (`GET /api/organizations/{orgId}/invitations`).
   *
   * @example
   * ```ts
   * const result = await segmento.organizations.invitations.list(orgId);
   * ```
   */
  list(orgId: string, options?: RequestOptions): APIPromise<Schema<"InvitationList">> {
    return this.client.request(
      "get",
      "/api/organizations/{orgId}/invitations",
      { params: { path: { orgId } } },
      options,
    );
  }

  /**
   * Invite someone (`POST /api/organizations/{orgId}/invitations`).
   *
   * @example
   * ```ts
   * const result = await segmento.organizations.invitations.create(orgId, body);
   * ```
   */
  create(
    orgId: string,
    body: Input<"InvitationCreate">,
    options?: RequestOptions,
  ): APIPromise<Schema<"Invitation">> {
    const init = { params: { path: { orgId } }, body };
    return this.client.request("post", "/api/organizations/{orgId}/invitations", init, options);
  }

  /**
   * Cancel an invitation (`DELETE /api/organizations/{orgId}/invitations/{invitationId}`).
   *
   * @example
   * ```ts
   * await segmento.organizations.invitations.cancel(orgId, invitationId);
   * ```
   */
  cancel(orgId: string, invitationId: string, options?: RequestOptions): APIPromise<void> {
    const path = { orgId, invitationId };
    return this.client.request(
      "delete",
      "/api/organizations/{orgId}/invitations/{invitationId}",
      { params: { path } },
      options,
    );
  }

  /** Accepts an invitation addressed to the signed-in user. */
  accept(invitationId: string, options?: RequestOptions): APIPromise<Schema<"Member">> {
    const path = { invitationId };
    return this.client.request(
      "post",
      "/api/invitations/{invitationId}/accept",
      { params: { path } },
      options,
    );
  }
}

export class Organizations extends APIResource {
  readonly members = new Members(this.client);
  readonly invitations = new Invitations(this.client);

  /**
   * List my organizations (`GET /api/organizations`).
   *
   * @example
   * ```ts
   * const result = await segmento.organizations.list();
   * ```
   */
  list(options?: RequestOptions): APIPromise<Schema<"OrganizationList">> {
    return this.client.request("get", "/api/organizations", {}, options);
  }

  /**
   * Create an organization (`POST /api/organizations`).
   *
   * @example
   * ```ts
   * const result = await segmento.organizations.create(body);
   * ```
   */
  create(body: Input<"OrganizationCreate">, options?: RequestOptions): APIPromise<Schema<"Organization">> {
    return this.client.request("post", "/api/organizations", { body }, options);
  }

  /**
   * Get an organization (`GET /api/organizations/{orgId}`).
   *
   * @example
   * ```ts
   * const result = await segmento.organizations.get(orgId);
   * ```
   */
  get(orgId: string, options?: RequestOptions): APIPromise<Schema<"Organization">> {
    return this.client.request("get", "/api/organizations/{orgId}", { params: { path: { orgId } } }, options);
  }

  /**
   * Rename an organization or change its slug (`PATCH /api/organizations/{orgId}`).
   *
   * @example
   * ```ts
   * const result = await segmento.organizations.update(orgId, body);
   * ```
   */
  update(
    orgId: string,
    body: Input<"OrganizationUpdate">,
    options?: RequestOptions,
  ): APIPromise<Schema<"Organization">> {
    return this.client.request(
      "patch",
      "/api/organizations/{orgId}",
      { params: { path: { orgId } }, body },
      options,
    );
  }
}

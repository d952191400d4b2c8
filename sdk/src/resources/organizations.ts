import type { RequestOptions } from "../client.js";
import type { APIPromise } from "../core/api-promise.js";
import { APIResource } from "../internal/resource.js";
import type { Input, Schema } from "../types.js";

class Members extends APIResource {
  list(orgId: string, options?: RequestOptions): APIPromise<Schema<"MemberList">> {
    return this.client.request(
      "get",
      "/api/organizations/{orgId}/members",
      { params: { path: { orgId } } },
      options,
    );
  }

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
  list(orgId: string, options?: RequestOptions): APIPromise<Schema<"InvitationList">> {
    return this.client.request(
      "get",
      "/api/organizations/{orgId}/invitations",
      { params: { path: { orgId } } },
      options,
    );
  }

  create(
    orgId: string,
    body: Input<"InvitationCreate">,
    options?: RequestOptions,
  ): APIPromise<Schema<"Invitation">> {
    const init = { params: { path: { orgId } }, body };
    return this.client.request("post", "/api/organizations/{orgId}/invitations", init, options);
  }

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

  list(options?: RequestOptions): APIPromise<Schema<"OrganizationList">> {
    return this.client.request("get", "/api/organizations", {}, options);
  }

  create(body: Input<"OrganizationCreate">, options?: RequestOptions): APIPromise<Schema<"Organization">> {
    return this.client.request("post", "/api/organizations", { body }, options);
  }

  get(orgId: string, options?: RequestOptions): APIPromise<Schema<"Organization">> {
    return this.client.request("get", "/api/organizations/{orgId}", { params: { path: { orgId } } }, options);
  }

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

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addMember,
  createTenant,
  setPlan,
  signUp,
  startTestServer,
  type Tenant,
  type TestServer,
  waitForJob,
} from "./helpers/test-server.js";

let server: TestServer;
let owner: Tenant;

beforeAll(async () => {
  server = await startTestServer();
  owner = await createTenant(server, "Owner");
});
afterAll(async () => {
  expect(server.app.contractViolations).toEqual([]);
  await server.close();
});

describe("organizations", () => {
  it("creates one on the free plan with the caller as owner and a slug from the name", async () => {
    const { cookie } = await signUp(server, "Founder");
    const res = await server.request("/api/organizations", { body: { name: "Çiçek Bahçesi" }, cookie });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: "Çiçek Bahçesi",
      slug: "cicek-bahcesi",
      plan: "free",
      role: "owner",
    });
    const again = await server.request("/api/organizations", { body: { name: "Çiçek Bahçesi" }, cookie });
    expect(again.body.slug).toMatch(/^cicek-bahcesi-[0-9a-f]{6}$/);
    const taken = await server.request("/api/organizations", {
      body: { name: "X", slug: "cicek-bahcesi" },
      cookie,
    });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe("conflict");
    const mine = await server.request("/api/organizations", { cookie });
    expect(mine.body.organizations.map((o: { name: string }) => o.name)).toEqual([
      "Çiçek Bahçesi",
      "Çiçek Bahçesi",
    ]);
  });

  it("lets owners and admins rename, not members", async () => {
    await setPlan(server, owner.orgId, "pro");
    const member = await addMember(server, owner, "member", "Plain Member");
    const denied = await server.request(`/api/organizations/${owner.orgId}`, {
      method: "PATCH",
      body: { name: "Hijacked" },
      cookie: member.cookie,
    });
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ code: "forbidden" });
    expect(denied.body.error).toContain("your role is member");
    const renamed = await server.request(`/api/organizations/${owner.orgId}`, {
      method: "PATCH",
      body: { name: "Owner Shop GmbH" },
      cookie: owner.cookie,
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: "Owner Shop GmbH", role: "owner", plan: "pro" });
  });
});

describe("members and invitations", () => {
  it("counts team seats: the free plan's single seat is the owner's", async () => {
    const solo = await createTenant(server, "Solo");
    const res = await server.request(`/api/organizations/${solo.orgId}/invitations`, {
      body: { email: "friend@example.com", role: "member" },
      cookie: solo.cookie,
    });
    expect(res.status).toBe(429);
    expect(res.body.code).toBe("quota_exceeded");
    expect(res.body.error).toContain("The free plan includes 1 team seats");
  });

  it("invites by email, mails the invitation, and only that address can accept it", async () => {
    const team = await createTenant(server, "Team");
    await setPlan(server, team.orgId, "starter");
    const invitee = await signUp(server, "Invitee");
    const stranger = await signUp(server, "Stranger");
    const invite = await server.request(`/api/organizations/${team.orgId}/invitations`, {
      body: { email: invitee.email, role: "admin" },
      cookie: team.cookie,
    });
    expect(invite.status).toBe(201);
    expect(invite.body).toMatchObject({ email: invitee.email, role: "admin", status: "pending" });
    const mail = await server.app.db.knex("mail_outbox").where({ to_address: invitee.email }).first();
    expect(mail.subject).toBe("Team invited you to Team Shop on Segmento");
    expect(mail.body).toContain(`/api/invitations/${invite.body.id}/accept`);

    const twice = await server.request(`/api/organizations/${team.orgId}/invitations`, {
      body: { email: invitee.email, role: "member" },
      cookie: team.cookie,
    });
    expect(twice.status).toBe(409);

    const wrong = await server.request(`/api/invitations/${invite.body.id}/accept`, {
      method: "POST",
      cookie: stranger.cookie,
    });
    expect(wrong.status).toBe(403);
    const accepted = await server.request(`/api/invitations/${invite.body.id}/accept`, {
      method: "POST",
      cookie: invitee.cookie,
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ email: invitee.email, role: "admin" });
    const again = await server.request(`/api/invitations/${invite.body.id}/accept`, {
      method: "POST",
      cookie: invitee.cookie,
    });
    expect(again.status).toBe(409);

    const members = await server.request(`/api/organizations/${team.orgId}/members`, {
      cookie: invitee.cookie,
    });
    expect(members.body.members.map((m: { role: string }) => m.role).sort()).toEqual(["admin", "owner"]);
    const invitations = await server.request(`/api/organizations/${team.orgId}/invitations`, {
      cookie: team.cookie,
    });
    expect(invitations.body.invitations[0]).toMatchObject({ status: "accepted" });
  });

  it("cancels pending invitations (owner or admin only)", async () => {
    const team = await createTenant(server, "Canceller");
    await setPlan(server, team.orgId, "pro");
    const member = await addMember(server, team, "member");
    const invite = await server.request(`/api/organizations/${team.orgId}/invitations`, {
      body: { email: "later@example.com", role: "member" },
      cookie: team.cookie,
    });
    const path = `/api/organizations/${team.orgId}/invitations/${invite.body.id}`;
    expect((await server.request(path, { method: "DELETE", cookie: member.cookie })).status).toBe(403);
    expect((await server.request(path, { method: "DELETE", cookie: team.cookie })).status).toBe(204);
    expect((await server.request(path, { method: "DELETE", cookie: team.cookie })).status).toBe(409);
  });

  it("keeps an owner: the last one can be neither demoted nor removed, and only owners make owners", async () => {
    const team = await createTenant(server, "Keeper");
    await setPlan(server, team.orgId, "pro");
    const admin = await addMember(server, team, "admin", "Admin");
    const member = await addMember(server, team, "member", "Member");
    const members = (
      await server.request(`/api/organizations/${team.orgId}/members`, { cookie: team.cookie })
    ).body.members as { id: string; role: string; userId: string }[];
    const ownerMember = members.find((m) => m.role === "owner")!;
    const at = (id: string) => `/api/organizations/${team.orgId}/members/${id}`;

    const promote = await server.request(at(member.memberId), {
      method: "PATCH",
      body: { role: "owner" },
      cookie: admin.cookie,
    });
    expect(promote.status).toBe(403);
    const demoteSelf = await server.request(at(ownerMember.id), {
      method: "PATCH",
      body: { role: "admin" },
      cookie: team.cookie,
    });
    expect(demoteSelf.status).toBe(409);
    expect(demoteSelf.body.code).toBe("last_owner");
    const leave = await server.request(at(ownerMember.id), { method: "DELETE", cookie: team.cookie });
    expect(leave.status).toBe(409);

    const byMember = await server.request(at(admin.memberId), { method: "DELETE", cookie: member.cookie });
    expect(byMember.status).toBe(403);
    const adminToOwner = await server.request(at(admin.memberId), {
      method: "PATCH",
      body: { role: "owner" },
      cookie: team.cookie,
    });
    expect(adminToOwner.status).toBe(200);
    expect(adminToOwner.body.role).toBe("owner");
    // Two owners now: the first may step down.
    const stepDown = await server.request(at(ownerMember.id), {
      method: "PATCH",
      body: { role: "admin" },
      cookie: team.cookie,
    });
    expect(stepDown.status).toBe(200);
    const memberLeaves = await server.request(at(member.memberId), {
      method: "DELETE",
      cookie: member.cookie,
    });
    expect(memberLeaves.status).toBe(204);
    const gone = await server.request(`/api/organizations/${team.orgId}`, { cookie: member.cookie });
    expect(gone.status).toBe(404);
  });
});

describe("projects", () => {
  it("creates with default settings, merges a settings PATCH, and checks the settings together", async () => {
    const created = await server.request(`/api/organizations/${owner.orgId}/projects`, {
      body: { name: "EU store", settings: { kMax: 8, churnThresholds: { high: 0.8 } } },
      cookie: owner.cookie,
    });
    expect(created.status).toBe(201);
    expect(created.body.settings).toEqual({
      referenceDate: null,
      kMin: 2,
      kMax: 8,
      churnHorizonDays: 90,
      churnThresholds: { medium: 0.4, high: 0.8 },
      clvHorizonMonths: 12,
      currency: "USD",
    });
    const path = `/api/projects/${created.body.id}`;
    const patched = await server.request(path, {
      method: "PATCH",
      body: { settings: { churnThresholds: { medium: 0.5 } } },
      cookie: owner.cookie,
    });
    expect(patched.body.settings).toMatchObject({ kMax: 8, churnThresholds: { medium: 0.5, high: 0.8 } });
    const bad = await server.request(path, {
      method: "PATCH",
      body: { settings: { kMin: 9 } },
      cookie: owner.cookie,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0]).toMatchObject({ field: "settings.kMax", rule: "minimum" });
    const list = await server.request(`/api/organizations/${owner.orgId}/projects`, { cookie: owner.cookie });
    expect(list.body.projects.map((p: { name: string }) => p.name)).toContain("EU store");
  });

  it("deletes only as owner or admin", async () => {
    const team = await createTenant(server, "Deleter");
    await setPlan(server, team.orgId, "pro");
    const member = await addMember(server, team, "member");
    const path = `/api/projects/${team.projectId}`;
    expect((await server.request(path, { method: "DELETE", cookie: member.cookie })).status).toBe(403);
    const deleted = await server.request(path, { method: "DELETE", cookie: team.cookie });
    expect(deleted.status).toBe(202);
    // Gone for every reader at once, its key refused, while the job deletes the data.
    expect((await server.request(path, { cookie: team.cookie })).status).toBe(404);
    const job = await waitForJob(server, team, deleted.body.job_id);
    expect(job).toMatchObject({ type: "project_delete", status: "completed", project_id: null });
    const keys = await server.app.db.knex("api_keys").where({ project_id: team.projectId });
    expect(keys).toEqual([]);
  });
});

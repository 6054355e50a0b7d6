"use client";
// Alert channels: the list (everyone), and for admins adding one (a webhook's signing secret is
// shown once, here), editing, sending a test to each, and removing them.
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { apiFetch } from "@/lib/api/client";
import { button, CHANNEL_KIND_LABELS, type ChannelView, card, channelTarget, control } from "./api";
import { ChannelEditor } from "./channel-editor";

type Kind = ChannelView["kind"];

export function ChannelsSection({
  projectId,
  channels,
  canManage,
  onChange,
  onTested,
}: {
  projectId: string;
  channels: ChannelView[];
  canManage: boolean;
  onChange: () => void;
  /** A test was sent: an in-app channel's shows in the notification list at once. */
  onTested: () => void;
}) {
  const [kind, setKind] = useState<Kind>("webhook");
  const [name, setName] = useState("");
  const [target, setTarget] = useState("");
  const [secret, setSecret] = useState<string | null>(null);
  const [tested, setTested] = useState<Record<string, string>>({});
  const [editing, setEditing] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () =>
      apiFetch<{ secret?: string }>("/api/v1/alerts/channels", {
        body: {
          project_id: projectId,
          name,
          kind,
          ...channelTarget(kind, target),
        },
      }),
    onSuccess: (result) => {
      setSecret(result.secret ?? null);
      setName("");
      setTarget("");
      onChange();
    },
  });
  const test = useMutation({
    mutationFn: (id: string) =>
      apiFetch<{ ok: boolean; status_code: number | null; error: string | null }>(
        `/api/v1/alerts/channels/${id}/test`,
        {
          method: "POST",
        },
      ),
    onSuccess: (result, id) => {
      setTested((current) => ({ ...current, [id]: result.ok ? "Test sent" : `Test failed: ${result.error}` }));
      onTested();
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => apiFetch(`/api/v1/alerts/channels/${id}`, { method: "DELETE" }),
    onSuccess: onChange,
  });

  return (
    <section aria-labelledby="channels-heading" className={card}>
      <h2 id="channels-heading" className="font-semibold">
        Channels
      </h2>
      {secret && (
        <div role="status" className="rounded-md bg-amber-50 p-3 text-sm dark:bg-amber-950">
          Copy this signing secret now; it will not be shown again (verify X-Lumen-Signature with it):
          <code className="mt-1 block break-all font-mono">{secret}</code>
        </div>
      )}
      <ul className="divide-y divide-slate-200 text-sm dark:divide-slate-800">
        {channels.map((channel) => (
          <li key={channel.id} className="flex flex-wrap items-center gap-2 py-2">
            <span className="font-medium">{channel.name}</span>
            <span className="text-slate-500">{CHANNEL_KIND_LABELS[channel.kind]}</span>
            {channel.config?.url && <span className="truncate text-slate-500">{channel.config.url}</span>}
            {channel.config?.to && <span className="text-slate-500">{channel.config.to.join(", ")}</span>}
            <span className="flex-1" />
            {tested[channel.id] && <span role="status">{tested[channel.id]}</span>}
            {canManage && (
              <>
                <button type="button" className={button} onClick={() => setEditing(channel.id)}>
                  Edit
                </button>
                <button type="button" className={button} onClick={() => test.mutate(channel.id)}>
                  Send test
                </button>
                <button
                  type="button"
                  className={button}
                  onClick={() => confirm(`Remove "${channel.name}"?`) && remove.mutate(channel.id)}
                >
                  Remove
                </button>
              </>
            )}
            {canManage && editing === channel.id && (
              <ChannelEditor
                channel={channel}
                onSaved={onChange}
                onSecret={setSecret}
                onClose={() => setEditing(null)}
              />
            )}
          </li>
        ))}
      </ul>
      {canManage && (
        <form
          aria-label="New channel"
          className="flex flex-wrap items-end gap-2"
          onSubmit={(event) => {
            event.preventDefault();
            create.mutate();
          }}
        >
          <select aria-label="Kind" className={control} value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            <option value="webhook">Webhook</option>
            <option value="slack">Slack</option>
            <option value="email">Email</option>
            <option value="in_app">In-app</option>
          </select>
          <input
            aria-label="Channel name"
            className={control}
            placeholder="Name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
          />
          {kind !== "in_app" && (
            <input
              aria-label={kind === "email" ? "Recipients" : "URL"}
              className={control}
              placeholder={kind === "email" ? "ops@example.com, …" : "https://…"}
              value={target}
              onChange={(e) => setTarget(e.target.value)}
              required
            />
          )}
          <button type="submit" className={button} disabled={create.isPending}>
            Add channel
          </button>
          {create.isError && (
            <p role="alert" className="w-full text-sm text-red-600">
              {create.error.message}
            </p>
          )}
        </form>
      )}
    </section>
  );
}

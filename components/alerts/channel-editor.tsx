"use client";
// Editing one alert channel in place (admins): its name, where it sends, and for a webhook a new
// signing secret, which the caller shows once like the one made with the channel.
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { apiFetch } from "@/lib/api/client";
import { button, type ChannelView, channelTarget, control } from "./api";

export function ChannelEditor({
  channel,
  onSaved,
  onSecret,
  onClose,
}: {
  channel: ChannelView;
  onSaved: () => void;
  onSecret: (secret: string) => void;
  onClose: () => void;
}) {
  const [name, setName] = useState(channel.name);
  const [target, setTarget] = useState(channel.config?.url ?? channel.config?.to?.join(", ") ?? "");
  const path = `/api/v1/alerts/channels/${channel.id}`;
  const save = useMutation({
    mutationFn: () =>
      apiFetch(path, {
        method: "PATCH",
        body: {
          name,
          ...channelTarget(channel.kind, target),
        },
      }),
    onSuccess: () => {
      onSaved();
      onClose();
    },
  });
  const rotate = useMutation({
    mutationFn: () => apiFetch<{ secret: string }>(path, { method: "PATCH", body: { rotate_secret: true } }),
    onSuccess: (result) => {
      onSecret(result.secret);
      onSaved();
    },
  });

  return (
    <form
      aria-label={`Edit ${channel.name}`}
      className="flex w-full flex-wrap items-end gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate();
      }}
    >
      <input
        aria-label="Channel name"
        className={control}
        value={name}
        onChange={(e) => setName(e.target.value)}
        required
      />
      {channel.kind !== "in_app" && (
        <input
          aria-label={channel.kind === "email" ? "Recipients" : "URL"}
          className={`${control} min-w-64 flex-1`}
          value={target}
          onChange={(e) => setTarget(e.target.value)}
          required
        />
      )}
      <button type="submit" className={button} disabled={save.isPending}>
        Save
      </button>
      <button type="button" className={button} onClick={onClose}>
        Cancel
      </button>
      {channel.kind === "webhook" && (
        <button
          type="button"
          className={button}
          disabled={rotate.isPending}
          onClick={() =>
            confirm("Rotate the signing secret? The receiver must switch to the new one.") && rotate.mutate()
          }
        >
          Rotate secret
        </button>
      )}
      {(save.isError || rotate.isError) && (
        <p role="alert" className="w-full text-sm text-red-600">
          {(save.error ?? rotate.error)?.message}
        </p>
      )}
    </form>
  );
}

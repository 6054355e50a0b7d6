"use client";
// "Compare to previous period": trends also draw the previous period as a dashed line. Part of the
// view (the URL's compare=previous), like the range and filters.
import { useEffect, useState } from "react";
import { Checkbox } from "@/components/ui/field";

export function CompareToggle({ checked, onChange }: { checked: boolean; onChange: (compare: boolean) => void }) {
  // The URL reaches the view a moment after the click (the router applies it in a transition): show the new state at once.
  const [on, setOn] = useState(checked);
  useEffect(() => setOn(checked), [checked]);
  return (
    <Checkbox
      label="Compare to previous period"
      checked={on}
      onChange={(e) => {
        setOn(e.target.checked);
        onChange(e.target.checked);
      }}
    />
  );
}

import { useEffect, useState } from 'react';
import { useToast } from '../app/toasts';

/** Copies text to the clipboard and says so for a moment ("Copied"), with a label naming what is copied. */
export function CopyButton({ text, label }: { readonly text: string; readonly label: string }) {
  const [copied, setCopied] = useState(false);
  const toast = useToast();
  useEffect(() => {
    if (!copied) return undefined;
    const timer = window.setTimeout(() => setCopied(false), 1800);
    return () => window.clearTimeout(timer);
  }, [copied]);
  const copy = () => {
    navigator.clipboard.writeText(text).then(
      () => setCopied(true),
      () => toast.show('error', 'Could not copy to the clipboard. Select the link and copy it by hand.'),
    );
  };
  return (
    <button type="button" className="button button-small" onClick={copy} aria-label={`Copy ${label}`}>
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}

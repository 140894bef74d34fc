import DOMPurify from 'dompurify';
import { marked } from 'marked';
import { useMemo } from 'react';

/** Scenario markdown (briefs, hints, solutions), rendered and sanitised. */
export function Markdown({ text, className = '' }: { text: string; className?: string }) {
  const html = useMemo(() => DOMPurify.sanitize(marked.parse(text, { async: false, gfm: true, breaks: false })), [text]);
  return <div className={`markdown ${className}`} dangerouslySetInnerHTML={{ __html: html }} />;
}

/** One line of inline markdown (hint text with `code`). */
export function InlineMarkdown({ text }: { text: string }) {
  const html = useMemo(() => DOMPurify.sanitize(marked.parseInline(text, { async: false })), [text]);
  return <span className="markdown-inline" dangerouslySetInnerHTML={{ __html: html }} />;
}

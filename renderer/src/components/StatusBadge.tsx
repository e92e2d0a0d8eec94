// A state shown three ways at once: colour (tone), icon shape and text, so it reads without colour vision.
import { Icon, type IconName } from './Icon';

export type Tone = 'ok' | 'warn' | 'bad' | 'neutral' | 'busy';

export interface StatusBadgeProps {
  readonly tone: Tone;
  readonly icon: IconName;
  readonly label: string;
  readonly large?: boolean;
}

export function StatusBadge({ tone, icon, label, large = false }: StatusBadgeProps) {
  return (
    <span className={`badge tone-${tone}${large ? ' badge-large' : ''}`}>
      <Icon name={icon} />
      <span className="badge-label">{label}</span>
    </span>
  );
}

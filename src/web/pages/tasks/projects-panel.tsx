import { useState, type FormEvent } from 'react';
import { useProjects, useSaveProject } from '../../api/tasks.api';
import type { Project } from '../../../shared/api/projects';
import { useToast } from '../../app/toasts';
import { Icon } from '../../components/icons';
import { Popover } from '../../components/popover';
import { ErrorNotice, Spinner } from '../../components/ui';

const COLORS = ['#0d9488', '#0284c7', '#7c3aed', '#db2777', '#ea580c', '#ca8a04', '#16a34a', '#475569'];

function ProjectMenu({ project }: { project: Project }) {
  const save = useSaveProject();
  const toast = useToast();
  const [name, setName] = useState(project.name);
  return (
    <Popover label={`Edit project ${project.name}`} className="btn-ghost p-1" align="right" button={<Icon name="settings" size={14} />}>
      {(close) => (
        <form
          className="space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate(
              { id: project.id, name, version: project.version },
              {
                onSuccess: () => {
                  toast.success('Project renamed.');
                  close();
                },
                onError: (err) => toast.error(err),
              },
            );
          }}
        >
          <label className="block text-sm">
            <span className="label">Name</span>
            <input className="input" value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <label className="flex items-center gap-2 text-sm">
            Colour
            <input
              type="color"
              className="h-8 w-10 rounded border border-line"
              value={project.color}
              onChange={(e) => save.mutate({ id: project.id, color: e.target.value }, { onError: (err) => toast.error(err) })}
            />
          </label>
          <div className="flex gap-2">
            <button type="submit" className="btn-primary py-1">
              Save
            </button>
            <button
              type="button"
              className="btn-secondary py-1"
              onClick={() =>
                save.mutate(
                  { id: project.id, isArchived: !project.isArchived },
                  {
                    onSuccess: () => {
                      toast.success(project.isArchived ? 'Project restored.' : 'Project archived.');
                      close();
                    },
                    onError: (err) => toast.error(err),
                  },
                )
              }
            >
              {project.isArchived ? 'Restore' : 'Archive'}
            </button>
          </div>
        </form>
      )}
    </Popover>
  );
}

export function ProjectsPanel({ selected, onSelect }: { selected: string | undefined; onSelect: (id: string | undefined) => void }) {
  const projects = useProjects();
  const save = useSaveProject();
  const toast = useToast();
  const [name, setName] = useState('');
  const [showArchived, setShowArchived] = useState(false);
  const list = (projects.data ?? []).filter((p) => showArchived || !p.isArchived);
  const add = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(
      { name: name.trim(), color: COLORS[(projects.data?.length ?? 0) % COLORS.length] },
      {
        onSuccess: (p) => {
          setName('');
          onSelect(p.id);
          toast.success(`Project “${p.name}” created.`);
        },
      },
    );
  };
  const item = (id: string | undefined, label: string, count?: number, color?: string) => (
    <button
      type="button"
      aria-pressed={selected === id}
      onClick={() => onSelect(id)}
      className={`flex min-w-0 flex-1 items-center gap-2 rounded-lg px-2 py-1.5 text-left text-sm ${selected === id ? 'bg-brand-soft font-medium' : 'hover:bg-raised'}`}
    >
      {color && <span aria-hidden="true" className="size-2.5 shrink-0 rounded-full" style={{ background: color }} />}
      <span className="truncate">{label}</span>
      {count !== undefined && <span className="ml-auto text-xs text-muted">{count}</span>}
    </button>
  );
  return (
    <aside aria-labelledby="projects-title" className="card space-y-2 p-3">
      <h2 id="projects-title" className="px-2 text-sm font-semibold">
        Projects
      </h2>
      {projects.isPending && <Spinner label="Loading projects" />}
      <ErrorNotice error={projects.error} title="Projects could not be loaded" />
      <ul className="space-y-0.5">
        <li className="flex">{item(undefined, 'All tasks')}</li>
        {list.map((p) => (
          <li key={p.id} className="flex items-center gap-1">
            {item(p.id, p.isArchived ? `${p.name} (archived)` : p.name, p.taskCounts.open, p.color)}
            <ProjectMenu project={p} />
          </li>
        ))}
      </ul>
      <form onSubmit={add} className="flex gap-1 pt-1">
        <input
          className="input py-1"
          placeholder="New project"
          aria-label="New project name"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" className="btn-secondary px-2 py-1" aria-label="Create project" disabled={!name.trim() || save.isPending}>
          <Icon name="plus" size={16} />
        </button>
      </form>
      <ErrorNotice error={save.error} title="The project was not saved" />
      {(projects.data ?? []).some((p) => p.isArchived) && (
        <label className="flex items-center gap-2 px-2 text-xs text-muted">
          <input type="checkbox" className="accent-teal-700" checked={showArchived} onChange={(e) => setShowArchived(e.target.checked)} />{' '}
          Show archived
        </label>
      )}
    </aside>
  );
}

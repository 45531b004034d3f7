/** Public profiles (issue 8): storage, the publishing API and the server-rendered page. */
export { createProfiles, type ConsultantMailProfile, type Profiles } from './profiles';
export { createProfileRouter, type ProfileRouterDeps } from './profile-router';
export { createSqliteProfileStore } from '../store/sqlite/sqlite-profile-store';
export type { ProfileStore, PublishedProfile, StoredProfile } from './profile-store';

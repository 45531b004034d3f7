/**
 * Test fixture: the example bodies of calcom-contract.md §3.9 (A created, B rescheduled, C cancelled), copied verbatim.
 * Golden tests compare the field set, nesting and value types of the sandbox's bodies against these.
 */

/** §3.9 A. BOOKING_CREATED */
export const contractCreatedExample = {
  triggerEvent: 'BOOKING_CREATED',
  createdAt: '2026-02-10T14:03:27.512Z',
  payload: {
    bookerUrl: 'https://cal.com',
    type: 'consultation-60',
    title: '60 Min Consultation between Dana Reyes and Sam Lee',
    description: 'First session - sleep and stress',
    additionalNotes: 'First session - sleep and stress',
    customInputs: {},
    startTime: '2026-02-17T17:00:00Z',
    endTime: '2026-02-17T18:00:00Z',
    organizer: {
      id: 48213,
      name: 'Dana Reyes',
      email: 'dana@example.com',
      username: 'dana-reyes',
      timeZone: 'America/Chicago',
      timeFormat: 'h:mma',
      language: {
        locale: 'en',
      },
      utcOffset: -360,
    },
    attendees: [
      {
        email: 'sam.lee@example.net',
        name: 'Sam Lee',
        firstName: 'Sam',
        lastName: 'Lee',
        timeZone: 'America/New_York',
        language: {
          locale: 'en',
        },
        utcOffset: -300,
      },
    ],
    responses: {
      name: {
        label: 'your_name',
        value: 'Sam Lee',
        isHidden: false,
      },
      email: {
        label: 'email_address',
        value: 'sam.lee@example.net',
        isHidden: false,
      },
      location: {
        label: 'location',
        value: {
          value: 'integrations:daily',
          optionValue: '',
        },
        isHidden: false,
      },
      notes: {
        label: 'additional_notes',
        value: 'First session - sleep and stress',
        isHidden: false,
      },
      guests: {
        label: 'additional_guests',
        value: [],
        isHidden: false,
      },
    },
    userFieldsResponses: {},
    location: 'integrations:daily',
    destinationCalendar: null,
    hideCalendarNotes: false,
    hideCalendarEventDetails: false,
    hideOrganizerEmail: false,
    schedulingType: null,
    seatsPerTimeSlot: null,
    seatsShowAttendees: true,
    seatsShowAvailabilityCount: true,
    requiresConfirmation: false,
    eventTypeId: 1184502,
    iCalUID: 'pX3mQ8vT2nR6kW9yB4cZ1a@Cal.com',
    iCalSequence: 0,
    oneTimePassword: null,
    organizationId: null,
    hashedLink: null,
    uid: 'pX3mQ8vT2nR6kW9yB4cZ1a',
    videoCallData: {
      type: 'daily_video',
      id: 'Xk2pQr9TzLm4',
      password: '<redacted>',
      url: 'https://meetco.daily.co/Xk2pQr9TzLm4',
    },
    appsStatus: [
      {
        appName: 'Cal Video',
        type: 'daily_video',
        success: 1,
        failures: 0,
        errors: [],
      },
    ],
    eventTitle: '60 Min Consultation',
    eventDescription: 'One-to-one wellness consultation',
    price: 0,
    currency: 'usd',
    length: 60,
    bookingId: 9876543,
    metadata: {
      videoCallUrl: 'https://app.cal.com/video/pX3mQ8vT2nR6kW9yB4cZ1a',
    },
    status: 'ACCEPTED',
  },
} as const;

/** §3.9 B. BOOKING_RESCHEDULED */
export const contractRescheduledExample = {
  triggerEvent: 'BOOKING_RESCHEDULED',
  createdAt: '2026-02-12T09:41:05.093Z',
  payload: {
    bookerUrl: 'https://cal.com',
    type: 'consultation-60',
    title: '60 Min Consultation between Dana Reyes and Sam Lee',
    description: 'First session - sleep and stress',
    additionalNotes: 'First session - sleep and stress',
    customInputs: {},
    startTime: '2026-02-19T15:00:00Z',
    endTime: '2026-02-19T16:00:00Z',
    organizer: {
      id: 48213,
      name: 'Dana Reyes',
      email: 'dana@example.com',
      username: 'dana-reyes',
      timeZone: 'America/Chicago',
      timeFormat: 'h:mma',
      language: {
        locale: 'en',
      },
      utcOffset: -360,
    },
    attendees: [
      {
        email: 'sam.lee@example.net',
        name: 'Sam Lee',
        firstName: 'Sam',
        lastName: 'Lee',
        timeZone: 'America/New_York',
        language: {
          locale: 'en',
        },
        utcOffset: -300,
      },
    ],
    responses: {
      name: {
        label: 'your_name',
        value: 'Sam Lee',
        isHidden: false,
      },
      email: {
        label: 'email_address',
        value: 'sam.lee@example.net',
        isHidden: false,
      },
      location: {
        label: 'location',
        value: {
          value: 'integrations:daily',
          optionValue: '',
        },
        isHidden: false,
      },
      rescheduleReason: {
        label: 'reason_for_reschedule',
        value: 'Work trip',
        isHidden: false,
      },
    },
    userFieldsResponses: {},
    location: 'integrations:daily',
    destinationCalendar: null,
    requiresConfirmation: false,
    eventTypeId: 1184502,
    iCalUID: 'pX3mQ8vT2nR6kW9yB4cZ1a@Cal.com',
    iCalSequence: 1,
    organizationId: null,
    uid: 'Lr7cN2wQ5dF8hJ3kP6sV9x',
    videoCallData: {
      type: 'daily_video',
      id: 'Qm8sTv3WxYz1',
      password: '<redacted>',
      url: 'https://meetco.daily.co/Qm8sTv3WxYz1',
    },
    eventTitle: '60 Min Consultation',
    eventDescription: 'One-to-one wellness consultation',
    price: 0,
    currency: 'usd',
    length: 60,
    bookingId: 9876610,
    rescheduleId: 9876543,
    rescheduleUid: 'pX3mQ8vT2nR6kW9yB4cZ1a',
    rescheduleStartTime: '2026-02-17T17:00:00Z',
    rescheduleEndTime: '2026-02-17T18:00:00Z',
    rescheduledBy: 'sam.lee@example.net',
    metadata: {
      videoCallUrl: 'https://app.cal.com/video/Lr7cN2wQ5dF8hJ3kP6sV9x',
    },
    status: 'ACCEPTED',
  },
} as const;

/** §3.9 C. BOOKING_CANCELLED */
export const contractCancelledExample = {
  triggerEvent: 'BOOKING_CANCELLED',
  createdAt: '2026-02-18T20:15:44.870Z',
  payload: {
    bookerUrl: 'https://cal.com',
    type: 'consultation-60',
    title: '60 Min Consultation between Dana Reyes and Sam Lee',
    description: 'First session - sleep and stress',
    additionalNotes: 'First session - sleep and stress',
    customInputs: {},
    eventTypeId: 1184502,
    length: 60,
    startTime: '2026-02-19T15:00:00+00:00',
    endTime: '2026-02-19T16:00:00+00:00',
    organizer: {
      id: 48213,
      username: 'dana-reyes',
      email: 'dana@example.com',
      name: 'Dana Reyes',
      timeZone: 'America/Chicago',
      timeFormat: 'h:mma',
      language: {
        locale: 'en',
      },
      utcOffset: -360,
    },
    attendees: [
      {
        name: 'Sam Lee',
        email: 'sam.lee@example.net',
        timeZone: 'America/New_York',
        phoneNumber: null,
        language: {
          locale: 'en',
        },
        utcOffset: -300,
      },
    ],
    responses: {
      name: {
        label: 'name',
        value: 'Sam Lee',
      },
      email: {
        label: 'email',
        value: 'sam.lee@example.net',
      },
    },
    userFieldsResponses: {},
    uid: 'Lr7cN2wQ5dF8hJ3kP6sV9x',
    bookingId: 9876610,
    location: 'integrations:daily',
    destinationCalendar: [],
    iCalUID: 'pX3mQ8vT2nR6kW9yB4cZ1a@Cal.com',
    iCalSequence: 2,
    hideOrganizerEmail: false,
    organizationId: null,
    eventTitle: '60 Min Consultation',
    eventDescription: 'One-to-one wellness consultation',
    requiresConfirmation: false,
    price: 0,
    currency: 'usd',
    cancellationReason: 'Feeling unwell, will rebook',
    cancelledBy: 'sam.lee@example.net',
    requestReschedule: false,
    status: 'CANCELLED',
  },
} as const;

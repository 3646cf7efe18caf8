"""Where each role lands on "/". Home pages gather several apps (caseloads, due work, the list),
so they live above the apps; ``core`` stays the ground floor and imports from none of them."""

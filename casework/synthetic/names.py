"""Name parts for synthetic people. Common given and family names, combined at random, so no
generated person is a real one; grouped loosely by background so families look plausible."""

GIVEN_NAMES = {
    "white": {
        "F": ["Olivia", "Amelia", "Isla", "Ava", "Mia", "Grace", "Lily", "Freya", "Emily", "Ella", "Poppy",
              "Sophie", "Evie", "Chloe", "Jessica", "Holly", "Megan", "Lucy", "Ruby", "Charlotte", "Hannah",
              "Sarah", "Rebecca", "Laura", "Emma", "Claire", "Nicola", "Joanne", "Karen", "Susan", "Margaret"],
        "M": ["Oliver", "George", "Harry", "Noah", "Jack", "Leo", "Oscar", "Charlie", "Jacob", "Thomas",
              "James", "William", "Joshua", "Alfie", "Freddie", "Archie", "Logan", "Daniel", "Ryan", "Liam",
              "Callum", "Connor", "Lewis", "Matthew", "David", "Michael", "Paul", "Mark", "Stephen", "Peter"],
    },
    "south_asian": {
        "F": ["Aisha", "Fatima", "Zara", "Maryam", "Amira", "Priya", "Anaya", "Sana", "Nadia", "Hafsa",
              "Ayesha", "Simran", "Rukhsana", "Shabnam", "Nazia"],
        "M": ["Mohammed", "Muhammad", "Ibrahim", "Yusuf", "Ali", "Zain", "Arjun", "Rohan", "Hamza", "Ayaan",
              "Imran", "Tariq", "Sajid", "Rahul", "Amir"],
    },
    "black": {
        "F": ["Amara", "Adaeze", "Chloe", "Imani", "Zainab", "Blessing", "Precious", "Abena", "Kemi", "Nia",
              "Tiana", "Ama", "Chiamaka", "Folake", "Esther"],
        "M": ["Kwame", "Tobi", "Jayden", "Daniel", "Emmanuel", "David", "Kofi", "Chidi", "Samuel", "Tyrone",
              "Joshua", "Femi", "Malik", "Isaac", "Ade"],
    },
    "east_asian": {
        "F": ["Mei", "Lin", "Yan", "Xin", "Hui", "Jing", "Wen", "Ying"],
        "M": ["Wei", "Jun", "Hao", "Ming", "Chen", "Jian", "Lei", "Tao"],
    },
    "other": {
        "F": ["Maria", "Ana", "Elena", "Sofia", "Leila", "Yasmin", "Nour", "Hana", "Ioana", "Zofia"],
        "M": ["Adam", "Omar", "Luca", "Mateusz", "Andrei", "Karim", "Youssef", "Mateo", "Jakub", "Ahmed"],
    },
}

FAMILY_NAMES = {
    "white": ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson",
              "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson",
              "Clarke", "Hughes", "Edwards", "Lewis", "Harris", "Martin", "Cooper", "Ward", "Turner", "Hill",
              "Moore", "Baker", "Harrison", "Morgan", "Patterson", "Marshall", "Murphy", "Kelly", "O'Brien",
              "Ellis", "Shaw", "Holmes", "Barker", "Fletcher", "Atkinson", "Booth", "Whitaker", "Hirst"],
    "south_asian": ["Khan", "Ahmed", "Hussain", "Ali", "Patel", "Begum", "Shah", "Iqbal", "Rahman", "Akhtar",
                    "Mahmood", "Singh", "Kaur", "Sharma", "Chowdhury", "Miah", "Aziz", "Bashir"],
    "black": ["Okafor", "Mensah", "Adeyemi", "Campbell", "Williams", "Boateng", "Okonkwo", "Asante",
              "Thomas", "Francis", "Grant", "Osei", "Nwosu", "Adebayo", "Richards", "Baptiste"],
    "east_asian": ["Wang", "Li", "Zhang", "Chen", "Liu", "Wong", "Lam", "Chan"],
    "other": ["Kowalski", "Nowak", "Popescu", "Haddad", "Rossi", "Garcia", "Silva", "Yilmaz", "Novak", "Ahmadi"],
}

# Ethnicity codes by background, with rough weights; backgrounds weighted roughly as in
# English urban authorities' children's social care populations.
BACKGROUNDS = [
    ("white", 0.66, [("WBRI", 0.88), ("WOTH", 0.07), ("WIRI", 0.02), ("WROM", 0.02), ("WIRT", 0.01)]),
    ("south_asian", 0.12, [("APKN", 0.45), ("AIND", 0.25), ("ABAN", 0.2), ("AOTH", 0.1)]),
    ("black", 0.10, [("BAFR", 0.55), ("BCRB", 0.3), ("BOTH", 0.15)]),
    ("east_asian", 0.02, [("CHNE", 0.8), ("AOTH", 0.2)]),
    ("other", 0.10, [("MWBC", 0.3), ("MWAS", 0.2), ("MWBA", 0.15), ("MOTH", 0.15), ("OOTH", 0.15),
                     ("NOBT", 0.05)]),
]

STREETS = ["Church Street", "Station Road", "Victoria Road", "Park Avenue", "Mill Lane", "Green Lane",
           "Manor Road", "Queens Road", "Kings Road", "Highfield Road", "Grange Road", "Albert Street",
           "Springfield Road", "Windsor Close", "Orchard Way", "Chapel Street", "School Lane", "York Road",
           "Moor View", "Meadow Court", "Elm Grove", "Ash Close", "Beech Avenue", "Willow Crescent"]

WORKER_GIVEN = ["Alex", "Sam", "Jo", "Chris", "Pat", "Robin", "Jamie", "Morgan", "Taylor", "Casey", "Jordan",
                "Kim", "Lee", "Nicky", "Ali", "Dee", "Frankie", "Charlie", "Jess", "Kit", "Max", "Bo", "Rae"]

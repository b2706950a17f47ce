import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { login } from "~/shopify.server";
import styles from "./styles.module.css";

// The public landing page. Shopify opens the app with ?shop=..., which goes straight to the admin.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (url.searchParams.get("shop")) throw redirect(`/app?${url.searchParams.toString()}`);
  return { showForm: Boolean(login) };
};

export default function Landing() {
  const { showForm } = useLoaderData<typeof loader>();
  return (
    <main className={styles.page}>
      <h1 className={styles.heading}>Omnistock</h1>
      <p className={styles.text}>
        Stock that is right on every channel within seconds, orders routed to the nearest shop, live availability per
        shop and parcel tracking your shoppers understand.
      </p>
      {showForm && (
        <Form className={styles.form} method="post" action="/auth/login">
          <label className={styles.label}>
            <span>Shop domain</span>
            <input className={styles.input} type="text" name="shop" placeholder="your-shop.myshopify.com" />
          </label>
          <button className={styles.button} type="submit">
            Log in
          </button>
        </Form>
      )}
      <ul className={styles.list}>
        <li>
          <strong>Never oversell.</strong> Every sale updates every channel in seconds, with buffers per channel.
        </li>
        <li>
          <strong>Ship from the right place.</strong> Orders go to the nearest shop that has everything.
        </li>
        <li>
          <strong>Answer shoppers.</strong> Live stock per shop and a tracking page with a clear timeline.
        </li>
      </ul>
    </main>
  );
}
